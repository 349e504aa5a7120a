"""Reusable questionnaires (问卷): builder, response validation, tallies and charts.

A questionnaire belongs to an owner identified by ``(owner_type, owner_id)`` — a survey
collection today, an interview or another feature later. The owning module registers a
resolver with :func:`interact.questionnaires.services.register_owner` so the builder pages
can check department scope and link back to the owner.
"""
