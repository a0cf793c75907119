"""The reader's network address, as far as it can be trusted: the one place every part of the site reads it
(the comments' flood limit, stored addresses, reports and bans, login and password-reset throttling)."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The address of whoever sent `request`, or None. X-Forwarded-For is read only when TRUSTED_PROXIES says
    how many proxies of ours stand in front of the site: each appends the address it was reached from, so
    with N proxies the Nth entry from the right is the one the outermost proxy saw. Entries to its left were
    written by the client and prove nothing; without the setting, the whole header is ignored."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [hop for hop in forwarded if hop]
        if forwarded:
            # Fewer entries than proxies: the request skipped an outer proxy, the farthest hop is all we know.
            found = _valid(forwarded[max(0, len(forwarded) - proxies)])
            if found:
                return found
    return _valid(remote)


def _valid(candidate):
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None
