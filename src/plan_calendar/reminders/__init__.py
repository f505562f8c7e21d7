"""Email reminders: rules (what is due when), the ledger (what was sent), mail (render and send), the runner."""
