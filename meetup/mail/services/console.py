"""Development without SMTP: each mail as a person reads it, for the worker's
console. Headers decoded, the plain-text body as text (never base64), and one
line per attachment, whatever the message carries."""

from email.message import EmailMessage

RULE = "=" * 72
THIN_RULE = "-" * 72
# In this order, each only when the message has it.
HEADERS = ("From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post")


def readable(email: EmailMessage) -> str:
    """The whole message as plain text, between rules."""
    lines = [RULE]
    lines += [f"{name}: {email[name]}" for name in HEADERS if email[name] is not None]
    lines.append(THIN_RULE)
    lines.append(_body(email).rstrip("\n"))
    attachments = list(email.iter_attachments()) if email.is_multipart() else []
    if attachments:
        lines.append(THIN_RULE)
        lines += [_describe_attachment(part) for part in attachments]
    lines += [RULE, ""]  # a blank line before the next message
    return "\n".join(lines)


def _body(email: EmailMessage) -> str:
    part = email.get_body(("plain",))
    if part is None:
        return "(no plain-text body)"
    return part.get_content()


def _describe_attachment(part: EmailMessage) -> str:
    size = len(part.get_payload(decode=True) or b"")
    return f"Attachment: {part.get_filename() or '(no name)'} ({part.get_content_type()}, {size} bytes)"
