"""Domain errors: each carries a message fit to show to the person who caused it."""


class DomainError(Exception):
    """Base of every error a user can cause; the message is safe to show them.

    ``field`` names the input it is about (``evidence``, ``severity``, …) when there is one,
    so a form can show the message beside that input.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidInput(DomainError):
    """The input cannot be accepted as it is; nothing was changed."""


class NotFound(DomainError):
    """No incident has that key."""


class InvalidTransition(DomainError):
    """The requested status change is not allowed from the current status."""


class PermissionDenied(DomainError):
    """The actor may not make this change."""


class StaleAssignment(InvalidTransition):
    """The incident was assigned by someone else after the actor last saw it."""

    def __init__(self, key: str, assignee_id: str | None) -> None:
        who = assignee_id or "nobody"
        super().__init__(f"{key} was just assigned to {who}; nothing was changed.")
        self.assignee_id = assignee_id
