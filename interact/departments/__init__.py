"""Departments and the leaders of the leader mailbox."""
