"""The job engine: submit, schedule per account, poll, back off, reconcile, download. No widgets."""
