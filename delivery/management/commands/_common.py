from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from offerings.models import RegistrationStatement
from offerings.selectors.records import registration_by_file_number


def registration_or_error(file_number: str) -> RegistrationStatement:
    registration = registration_by_file_number(file_number=file_number)
    if registration is None:
        raise CommandError(f"No registration statement with file number {file_number}.")
    return registration


def error_text(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "\n".join(
            f"{field}: {message}" for field, messages in error.message_dict.items() for message in messages
        )
    return "\n".join(error.messages)
