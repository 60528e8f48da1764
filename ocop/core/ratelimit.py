"""Rate-limit arithmetic with no Django: the OCOP_RATE_LIMITS setting, the client's address behind trusted
proxies, and the sliding-window decision. The middleware (ocop/core/throttle.py) keeps the counters."""

import ipaddress
import math
from dataclasses import dataclass

from ocop.core.errors import OcopError, gettext_noop

type Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Limit:
    requests: int
    seconds: int


# Scans: a shop checking its delivery or a market stall scanning on its Wi-Fi, and above all Vietnamese mobile
# networks that put many subscribers behind one public IPv4 address (carrier-grade NAT), share one client
# address. 600 a minute is one scan every 0.1 s all minute long from one address, ≈ 1 % of one app server
# (≈ 1,100 scans/s per worker), and still stops a script from flooding the scan log. Search costs 5–35 ms
# per query (benchmarks/catalogue_search.py), so fewer; login is per address on top of the per-username
# lockout, generous enough for a provincial office whose staff log in at 8:00 behind one address. The
# second-factor code step is one POST per login of an account that has it, so it gets login's allowance
# (wrong codes are also counted by the lockout). A password reset mails someone: few per hour per client,
# and at most 3 reset mails an hour to one address whoever asks (reset_mail, counted by the form). A
# consumer reports a suspected fake once or twice, not 70 times a second: 10 reports an hour per client
# still leaves room for a shop's Wi-Fi or a mobile network shared by many, and one stamp takes 10 reports
# an hour from the whole country (report_stamp, counted by the service once a report is not a repeat of a
# device's own), enough for an alert to reach the province without a flood burying its list.
DEFAULTS: dict[str, Limit] = {
    "scan": Limit(600, 60),
    "search": Limit(120, 60),
    "login": Limit(30, 300),
    "second_factor": Limit(30, 300),
    "password_reset": Limit(10, 3600),
    "reset_mail": Limit(3, 3600),
    "api": Limit(600, 60),
    "report": Limit(10, 3600),
    "report_stamp": Limit(10, 3600),
}

EXAMPLE = "scan=600/60,search=120/60,login=30/300,api=600/60"


class SettingError(OcopError, ValueError):
    """OCOP_RATE_LIMITS or OCOP_TRUSTED_PROXIES cannot be read: a stable code, params, and what to write.
    (Read by settings.py at start-up, before translations load: said in Vietnamese there.)"""

    def __init__(self, code: str, message: str, **params):
        super().__init__(code, message, params=params)


def parse_limits(text: str | None, defaults: dict[str, Limit] = DEFAULTS) -> dict[str, Limit]:
    """`OCOP_RATE_LIMITS`: empty → the defaults; "off" → no limit at all; otherwise comma-separated
    `name=requests/seconds` or `name=off` entries that replace the defaults one by one."""
    text = (text or "").strip()
    if text.lower() == "off":
        return {}
    limits = dict(defaults)
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, value = (s.strip() for s in item.partition("="))
        if name not in defaults:
            raise SettingError(
                "rate_limit_unknown",
                gettext_noop(
                    "OCOP_RATE_LIMITS: không có giới hạn tên '%(name)s' (có: %(names)s); ví dụ: %(example)s"
                ),
                name=name,
                names=", ".join(defaults),
                example=EXAMPLE,
            )
        if value.lower() == "off":
            limits.pop(name, None)
            continue
        requests, _, seconds = value.partition("/")
        try:
            limit = Limit(int(requests), int(seconds))
        except ValueError:
            limit = None
        if limit is None or limit.requests < 1 or limit.seconds < 1:
            raise SettingError(
                "rate_limit_invalid",
                gettext_noop(
                    "OCOP_RATE_LIMITS: '%(item)s' phải có dạng tên=số_yêu_cầu/số_giây (số nguyên dương) hoặc "
                    "tên=off; ví dụ: %(example)s"
                ),
                item=item,
                example=EXAMPLE,
            )
        limits[name] = limit
    return limits


def parse_networks(text: str | None) -> tuple[Network, ...]:
    """`OCOP_TRUSTED_PROXIES`: comma-separated addresses or networks ("10.0.0.5,192.168.1.0/24,::1")."""
    networks = []
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise SettingError(
                "trusted_proxy_invalid",
                gettext_noop(
                    "OCOP_TRUSTED_PROXIES: '%(item)s' không phải địa chỉ IP hay dải mạng (ví dụ 10.0.0.5, "
                    "10.0.0.0/8)"
                ),
                item=item,
            ) from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("["):  # "[2001:db8::1]:443"
        text = text[1 : text.find("]")] if "]" in text else text[1:]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.partition(":")[0]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return ip.ipv4_mapped
    return ip


def client_key(remote_addr: str, forwarded_for: str | None, trusted: tuple[Network, ...]) -> str:
    """Who is asking, as a counter key. The connecting address, unless it is a trusted proxy: then
    X-Forwarded-For is walked from the right (each proxy appends the address it received the request from)
    past the trusted proxies, and the first other address is the client. Entries left of it were written
    by the client itself and are ignored. IPv6 clients are counted per /64, the block one subscriber gets."""
    if not trusted and remote_addr and ":" not in remote_addr:
        return remote_addr  # IPv4 from the server's socket, no proxy to ask: the common case, kept cheap
    ip = _address(remote_addr or "")
    if ip is None:
        return remote_addr or "unknown"
    if trusted and forwarded_for and any(ip in net for net in trusted if net.version == ip.version):
        for hop in reversed(forwarded_for.split(",")):
            hop_ip = _address(hop)
            if hop_ip is None:
                break  # written by the client: the last proxy's peer is as far as we can trust
            ip = hop_ip
            if not any(ip in net for net in trusted if net.version == ip.version):
                break
    if ip.version == 6:
        return str(ipaddress.IPv6Network((ip, 64), strict=False).network_address) + "/64"
    return str(ip)


def window(now: float, limit: Limit) -> tuple[int, float]:
    """The fixed window `now` falls in (its index) and how far into it we are (0 ≤ elapsed < seconds)."""
    index = int(now // limit.seconds)
    return index, now - index * limit.seconds


def estimate(current: int, previous: int, elapsed: float, limit: Limit) -> float:
    """Sliding-window count: this window's requests plus the previous window's, weighted by how much of
    it still lies within the last `seconds`. Two counters instead of a log of timestamps; no burst of 2×
    the limit across a window boundary as a plain fixed window allows."""
    return current + previous * (1 - elapsed / limit.seconds)


def retry_after(current: int, previous: int, elapsed: float, limit: Limit) -> int:
    """Whole seconds until one more request would be allowed, if the client sends nothing meanwhile.
    `current` and `previous` are the requests served in this window and the previous one."""
    n, s = limit.requests, limit.seconds
    room = n - current - 1  # what the previous window's weighted share may still be in this window
    if room >= 0:
        wait = 0.0 if previous <= room else s * (1 - room / previous) - elapsed
        return max(1, math.ceil(wait))
    # Not before the next window, where this window's count is the weighted one.
    into_next = 0.0 if current <= n - 1 else s * (1 - (n - 1) / current)
    return max(1, math.ceil(s - elapsed + into_next))
