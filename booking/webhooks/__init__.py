"""Webhooks (issue 12): organisers register URLs that receive HMAC-signed JSON posts when a
place, attendance or an award changes. Deliveries are written in the sender's transaction
(`receivers.py`) and sent by a periodic duty with retries, in order per subject
(`delivery.py`)."""
