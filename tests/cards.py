"""The numbers on the staff workspace cards, read from the real contributors."""
from __future__ import annotations


def card_counts(app, user) -> dict[str, object]:
    """``{card title: count}`` of every workspace card ``user`` is shown."""
    from interact.core.contributions import workspace_cards

    with app.test_request_context():
        return {card["title"]: card["count"] for contribute in workspace_cards for card in contribute(user)}
