"""The incident domain, with no Slack in it: reporting, reading, searching and working
incidents, their lifecycle, permissions, near-duplicates, reminders and the notices a
change leaves for delivery."""
