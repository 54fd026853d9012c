"""Which failures can pass on their own, and so are worth a retry.

A flaky disk or network share, a file another process holds, a file that is briefly missing while
something renames it, a timeout: the same call a few seconds later can succeed. Everything else
fails the same way every time (a file we may not read, a directory where a file was expected, a
full or read-only disk, bytes a codec cannot decode), so retrying only delays the report. Bad input
is not an exception at all: the steps turn it into a Reject.
"""

from __future__ import annotations

import errno

TRANSIENT_ERRNOS = frozenset(
    {
        errno.EIO,  # the device or share hiccupped
        errno.ESTALE,  # an NFS handle went stale under a rename
        errno.ENOENT,  # a file that was listed is briefly gone (a rename in progress)
        errno.EAGAIN,  # a lock or resource is held by someone else right now
        errno.EBUSY,
        errno.ETXTBSY,
        errno.ENOLCK,
        errno.EDEADLK,
        errno.EINTR,
        errno.ETIMEDOUT,
        errno.ECONNRESET,
        errno.ECONNABORTED,
        errno.ENETDOWN,
        errno.ENETUNREACH,
        errno.EHOSTUNREACH,
    }
)


def is_transient(error: BaseException) -> bool:
    """True for an I/O failure that a later attempt may not meet (see the module docstring).

    An OSError without an errno (what gzip, zip and codec errors raise) is a property of the
    bytes, not of the moment, so it is not transient.
    """
    if isinstance(error, TimeoutError):
        return True
    return isinstance(error, OSError) and error.errno in TRANSIENT_ERRNOS
