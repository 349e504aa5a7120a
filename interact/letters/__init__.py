"""Consultation letters (在线咨询 / 领导信箱 / 上级转办): submission, routing, answers on
working-day deadlines, review, publication, look-up, rating and public search."""
