"""Per-client-IP counters for abuse limits (SMS sends, registrations), kept in Django's cache.

With REDIS_URL set the default cache is django-redis, so the counters are shared by every
gunicorn worker and host and survive a restart; without it they live in each process's memory
(development, tests). Counters are fixed windows aligned to the clock in TIME_ZONE: an "hour"
window is a clock hour, a "day" window a calendar day in Asia/Shanghai (the same 今日 as the
per-phone SMS limit), so the messages can honestly say 明天.

Increments are atomic: `cache.add` creates the key only if missing (with the window's expiry),
then `cache.incr` is one INCRBY in Redis, so concurrent requests can never all pass the check.
"""

import ipaddress
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

KEY_PREFIX = "ratelimit"
HOUR = "hour"
DAY = "day"


def client_ip(request):
    """The client's address: REMOTE_ADDR, or X-Forwarded-For only behind trusted proxies.

    X-Forwarded-For is written by the client as much as by proxies, so it is read only when
    TRUSTED_PROXY_COUNT says how many reverse proxies of ours stand in front of the app. Each
    appends the address it saw, so the client is the entry that many places from the right;
    whatever the client put further left is ignored. Also used by django-axes
    (AXES_CLIENT_IP_CALLABLE), so lockout and these limits agree on who the client is.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            remote = forwarded[-proxies]
    return remote


def _subject(ip):
    """The address as counted: an IPv6 client owns a whole /64, so it is counted by that prefix."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip or "unknown"
    if address.version == 6:
        if address.ipv4_mapped:  # ::ffff:1.2.3.4 is the IPv4 client 1.2.3.4
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address) + "/64"
    return str(address)


def _window(period, now):
    """(bucket label, seconds until the window ends) for the current clock hour or local day."""
    local = timezone.localtime(now)
    if period == HOUR:
        start = local.replace(minute=0, second=0, microsecond=0)
        end = start + timedelta(hours=1)
        label = start.strftime("%Y%m%d%H")
    elif period == DAY:
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        end = start + timedelta(days=1)  # wall-clock arithmetic: the next local midnight
        label = start.strftime("%Y%m%d")
    else:
        raise ValueError(f"unknown rate-limit period {period!r}")
    return label, max(1, int((end - local).total_seconds()))


def client_digest(ip, length=32):
    """The client as counted, as a keyed hash: the address itself is never stored (PIPL: minimal data)."""
    # The key keeps the module's first name: a new key would change every stored client digest.
    return salted_hmac("accounts.ratelimit", _subject(ip), algorithm="sha256").hexdigest()[:length]


def counter_key(scope, ip, period, now=None):
    """The cache key of one counter."""
    label, _ = _window(period, now or timezone.now())
    return f"{KEY_PREFIX}:{scope}:{period}:{label}:{client_digest(ip)}"


@dataclass(frozen=True)
class Exceeded:
    """Which limit was hit and how long until its window ends."""

    period: str
    limit: int
    retry_after: int

    @property
    def minutes(self):
        """The wait in whole minutes, rounded up and at least 1, as the messages say it."""
        return max(1, -(-self.retry_after // 60))


def _limits(limits):
    # A limit of 0 or less switches that window off (e.g. an intranet deployment behind one NAT).
    return [(period, limit) for period, limit in limits if limit and limit > 0]


def peek(scope, ip, limits, now=None):
    """The first limit already used up, without counting this request; None when all have room."""
    now = now or timezone.now()
    for period, limit in _limits(limits):
        if (cache.get(counter_key(scope, ip, period, now)) or 0) >= limit:
            return Exceeded(period, limit, _window(period, now)[1])
    return None


def _increment(key, timeout, delta):
    # add() is a no-op when the key exists; incr() raises ValueError only if the key expired
    # between the two calls (the window just ended), in which case the next add() starts afresh.
    for _attempt in range(3):
        cache.add(key, 0, timeout=timeout)
        try:
            return cache.incr(key, delta)
        except ValueError:
            continue
    raise RuntimeError(f"rate-limit counter {key} could not be incremented")


def hit(scope, ip, limits, now=None):
    """Count one action against every window; return the first Exceeded, or None if allowed.

    Every window is counted even when one refuses, so a client that keeps hammering stays
    refused until its window ends. Call `release` when the action did not happen after all.
    """
    now = now or timezone.now()
    exceeded = None
    for period, limit in _limits(limits):
        _, ttl = _window(period, now)
        # The key outlives its window by a minute so a clock-edge request still finds it.
        count = _increment(counter_key(scope, ip, period, now), ttl + 60, 1)
        if count > limit and exceeded is None:
            exceeded = Exceeded(period, limit, ttl)
    return exceeded


def release(scope, ip, limits, now=None):
    """Give back one count in every window, for an action that was refused further on."""
    now = now or timezone.now()
    for period, _limit in _limits(limits):
        try:
            cache.decr(counter_key(scope, ip, period, now))
        except ValueError:
            pass  # the window ended in between: nothing to give back


def sms_limits():
    return [(HOUR, settings.SMS_HOURLY_LIMIT_PER_IP), (DAY, settings.SMS_DAILY_LIMIT_PER_IP)]


def registration_limits():
    return [(HOUR, settings.REGISTRATION_HOURLY_LIMIT_PER_IP), (DAY, settings.REGISTRATION_DAILY_LIMIT_PER_IP)]


def enumeration_limits():
    # Answers that say a username, mobile or ID number is taken (registration page, 获取验证码 for 注册).
    return [(HOUR, settings.ENUMERATION_HOURLY_LIMIT_PER_IP), (DAY, settings.ENUMERATION_DAILY_LIMIT_PER_IP)]


def registration_upload_limits():
    # Every registration POST carrying a file counts, whether it succeeds or not: each one is checked
    # by content and may be stashed (accounts/uploads.py).
    return [
        (HOUR, settings.REGISTRATION_UPLOAD_HOURLY_LIMIT_PER_IP),
        (DAY, settings.REGISTRATION_UPLOAD_DAILY_LIMIT_PER_IP),
    ]


def sms_message(exceeded):
    if exceeded.period == DAY:
        return _("您所在网络今日获取验证码次数已达上限，请明天再试。")
    return _("您所在网络获取验证码过于频繁，请%(minutes)d分钟后再试。") % {"minutes": exceeded.minutes}


def registration_upload_message(exceeded):
    if exceeded.period == DAY:
        return _("您所在网络今日上传注册材料的次数已达上限，请明天再试。")
    return _("您所在网络上传注册材料过于频繁，请%(minutes)d分钟后再试。") % {"minutes": exceeded.minutes}


def registration_message(exceeded):
    if exceeded.period == DAY:
        return _("您所在网络今日注册次数已达上限，请明天再试。")
    return _("您所在网络注册过于频繁，请%(minutes)d分钟后再试。") % {"minutes": exceeded.minutes}


def enumeration_message(exceeded):
    if exceeded.period == DAY:
        return _("您所在网络今日查询注册信息次数已达上限，请明天再试。")
    return _("您所在网络查询注册信息过于频繁，请%(minutes)d分钟后再试。") % {"minutes": exceeded.minutes}
