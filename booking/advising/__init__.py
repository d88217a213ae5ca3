"""Career conversations (issue 9): advisors publish slots, staff book one, advisors keep private
notes. The rules are in `services.py`; docs/architecture.md, invariant 9."""
