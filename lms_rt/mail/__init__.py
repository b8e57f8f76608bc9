"""Mail: render templates from web/templates/email and send by SMTP or to an outbox folder."""
