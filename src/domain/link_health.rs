//! Link health as pure rules: what a bookmark's last check found ([`LinkStatus`]), how the
//! answers of one check turn into it ([`judge`]), and which addresses the checker may connect to
//! ([`AddressPolicy`]). The checker itself (network, database) lives in `app::link_checks`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What the last check of a bookmark's URL found.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Default)]
pub enum LinkStatus {
    /// Not checked yet (or the URL changed since).
    #[default]
    Unknown,
    Ok,
    /// Answered after a permanent redirect: the bookmark could point at the final URL.
    Redirected,
    /// Answered with an error (4xx/5xx), or redirected too often or in a loop.
    Broken,
    /// No answer: timeout, DNS failure, refused connection, TLS error or a refused address.
    Unreachable,
}

crate::text_enum!(LinkStatus {
    Unknown = "unknown",
    Ok = "ok",
    Redirected = "redirected",
    Broken = "broken",
    Unreachable = "unreachable",
});

impl LinkStatus {
    /// The values of the `link_status` filter.
    pub const NAMES: &'static [&'static str] =
        &["unknown", "ok", "redirected", "broken", "unreachable"];
}

/// How many redirects one check follows.
pub const MAX_REDIRECTS: usize = 5;

/// How one check ended, as the checker saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A final answer (not a redirect we follow) with `code`, reached at `url` after
    /// `redirects` (the code of each redirect followed, in order).
    Answered {
        code: u16,
        url: String,
        redirects: Vec<u16>,
    },
    /// More than [`MAX_REDIRECTS`] redirects, or one back to a URL already visited.
    RedirectLoop,
    /// No answer at all (timeout, DNS, connection, TLS, refused address).
    NoAnswer,
}

/// What a check records on the bookmark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub status: LinkStatus,
    pub code: Option<u16>,
    /// Where a permanent redirect leads (only with [`LinkStatus::Redirected`]).
    pub final_url: Option<String>,
}

/// Whether `code` is a redirect the checker follows (when it carries a `Location`).
pub fn is_redirect(code: u16) -> bool {
    matches!(code, 301 | 302 | 303 | 307 | 308)
}

/// Whether the redirect `code` says the resource moved for good.
pub fn is_permanent(code: u16) -> bool {
    matches!(code, 301 | 308)
}

/// Whether HEAD was refused (then the checker asks again with GET).
pub fn head_refused(code: u16) -> bool {
    matches!(code, 405 | 501)
}

/// The rules: 2xx is ok, or redirected (with the final URL) when a permanent redirect led
/// there; anything else that answered is broken with its code; a loop is broken without one; no
/// answer is unreachable.
pub fn judge(outcome: &Outcome) -> Verdict {
    match outcome {
        Outcome::Answered {
            code,
            url,
            redirects,
        } if (200..300).contains(code) => {
            let moved = redirects.iter().any(|c| is_permanent(*c));
            Verdict {
                status: if moved {
                    LinkStatus::Redirected
                } else {
                    LinkStatus::Ok
                },
                code: Some(*code),
                final_url: moved.then(|| url.clone()),
            }
        }
        Outcome::Answered { code, .. } => Verdict {
            status: LinkStatus::Broken,
            code: Some(*code),
            final_url: None,
        },
        Outcome::RedirectLoop => Verdict {
            status: LinkStatus::Broken,
            code: None,
            final_url: None,
        },
        Outcome::NoAnswer => Verdict {
            status: LinkStatus::Unreachable,
            code: None,
            final_url: None,
        },
    }
}

/// An address range: an address and how many leading bits of it count.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    bits: u8,
}

impl Cidr {
    /// `10.0.0.0/8`, `fd00::/8`, or a single address (`127.0.0.2`).
    pub fn parse(s: &str) -> Option<Self> {
        let (addr, bits) = match s.trim().split_once('/') {
            Some((a, b)) => (a.parse::<IpAddr>().ok()?, Some(b.parse::<u8>().ok()?)),
            None => (s.trim().parse::<IpAddr>().ok()?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let bits = bits.unwrap_or(max);
        (bits <= max).then_some(Self { addr, bits })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        fn prefix(value: u128, width: u32, bits: u8) -> u128 {
            let drop = width - u32::from(bits);
            if drop >= 128 {
                0
            } else {
                value >> drop
            }
        }
        match (self.addr, ip) {
            (IpAddr::V4(a), IpAddr::V4(b)) => {
                prefix(u32::from(a).into(), 32, self.bits)
                    == prefix(u32::from(b).into(), 32, self.bits)
            }
            (IpAddr::V6(a), IpAddr::V6(b)) => {
                prefix(u128::from(a), 128, self.bits) == prefix(u128::from(b), 128, self.bits)
            }
            _ => false,
        }
    }
}

fn v4(hi: u16, lo: u16) -> Ipv4Addr {
    Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8)
}

/// The IPv4 addresses an IPv6 one carries, if any: IPv4-mapped `::ffff:a.b.c.d`, the old
/// IPv4-compatible `::a.b.c.d`, NAT64 (`64:ff9b::/96` and the local `64:ff9b:1::/48`), 6to4
/// (`2002:AABB:CCDD::/16`) and Teredo (`2001:0::/32`: its server, and its client with the bits
/// inverted).
fn embedded_v4(ip: Ipv6Addr) -> Vec<Ipv4Addr> {
    let s = ip.segments();
    let low = v4(s[6], s[7]);
    match s {
        [0, 0, 0, 0, 0, 0xffff, _, _] => vec![low],
        [0, 0, 0, 0, 0, 0, _, _] if !ip.is_loopback() && !ip.is_unspecified() => vec![low],
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] | [0x64, 0xff9b, 1, ..] => vec![low],
        [0x2002, hi, lo, ..] => vec![v4(hi, lo)],
        [0x2001, 0, hi, lo, _, _, c_hi, c_lo] => vec![v4(hi, lo), v4(!c_hi, !c_lo)],
        _ => Vec::new(),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    ip.is_unspecified()
        || o[0] == 0
        || ip.is_loopback()
        || ip.is_private()
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // CGNAT 100.64.0.0/10
        || ip.is_link_local() // includes the metadata address 169.254.169.254
        || ip.is_multicast()
        || ip.is_broadcast()
        || o[0] >= 240 // reserved
}

/// Addresses the checker never connects to unless told: loopback, private (RFC 1918, CGNAT,
/// fc00::/7), link-local, cloud metadata, unspecified, multicast, broadcast and reserved, also
/// when carried inside an IPv6 address.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => {
            let carried = embedded_v4(v6);
            if !carried.is_empty() {
                return carried.into_iter().any(forbidden_v4);
            }
            let first = v6.segments()[0];
            v6.is_unspecified()
                || v6.is_loopback()
                || (first & 0xfe00) == 0xfc00 // unique local fc00::/7 (fd00:ec2::254 too)
                || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (first & 0xffc0) == 0xfec0 // old site-local fec0::/10
                || v6.is_multicast()
        }
    }
}

/// Where the checker may connect.
#[derive(Clone, Debug, Default)]
pub struct AddressPolicy {
    /// `LINK_CHECK_ALLOW_PRIVATE`: anything goes.
    pub allow_private: bool,
    /// `LINK_CHECK_ALLOW_ADDRS`: allowed even though private.
    pub allowed: Vec<Cidr>,
}

impl AddressPolicy {
    pub fn permits(&self, ip: IpAddr) -> bool {
        self.allow_private || !is_forbidden(ip) || self.allowed.iter().any(|c| c.contains(ip))
    }
}

/// `10.1.0.0/16, 127.0.0.2` as a list of ranges; the offending entry when one is not.
pub fn parse_cidrs(s: &str) -> Result<Vec<Cidr>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| Cidr::parse(e).ok_or_else(|| e.to_string()))
        .collect()
}

/// Curl-style static answers `host=ip,host2=ip2` (host names compared without case); the
/// offending entry when one is not.
pub fn parse_static_answers(s: &str) -> Result<Vec<(String, IpAddr)>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| {
            let (host, ip) = e.split_once('=').ok_or_else(|| e.to_string())?;
            let ip = ip
                .trim()
                .trim_matches(|c| c == '[' || c == ']')
                .parse::<IpAddr>()
                .map_err(|_| e.to_string())?;
            let host = host.trim().to_ascii_lowercase();
            if host.is_empty() {
                return Err(e.to_string());
            }
            Ok((host, ip))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(code: u16, redirects: &[u16]) -> Outcome {
        Outcome::Answered {
            code,
            url: "https://example.com/final".into(),
            redirects: redirects.to_vec(),
        }
    }

    #[test]
    fn answers_are_judged_by_the_rules() {
        assert_eq!(judge(&answered(200, &[])).status, LinkStatus::Ok);
        assert_eq!(judge(&answered(204, &[302, 307])).status, LinkStatus::Ok);
        assert_eq!(judge(&answered(200, &[302])).final_url, None);
        let moved = judge(&answered(200, &[302, 301]));
        assert_eq!(moved.status, LinkStatus::Redirected);
        assert_eq!(
            moved.final_url.as_deref(),
            Some("https://example.com/final")
        );
        assert_eq!(judge(&answered(200, &[308])).status, LinkStatus::Redirected);
        for code in [404, 410, 500, 503, 301] {
            let v = judge(&answered(code, &[]));
            assert_eq!((v.status, v.code), (LinkStatus::Broken, Some(code)));
        }
        let looped = judge(&Outcome::RedirectLoop);
        assert_eq!((looped.status, looped.code), (LinkStatus::Broken, None));
        let gone = judge(&Outcome::NoAnswer);
        assert_eq!((gone.status, gone.code), (LinkStatus::Unreachable, None));
    }

    #[test]
    fn head_is_retried_with_get_only_when_refused() {
        assert!(head_refused(405) && head_refused(501));
        assert!(!head_refused(404) && !head_refused(200));
        assert!(is_redirect(303) && !is_redirect(304));
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn private_and_special_addresses_are_forbidden() {
        for a in [
            "127.0.0.1",
            "127.9.9.9",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "100.127.255.254",
            "169.254.169.254",
            "169.254.1.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "fc00::1",
            "fd00:ec2::254",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "64:ff9b:1::a9fe:a9fe",
            // 6to4 of 127.0.0.1 and of the metadata address.
            "2002:7f00:1::",
            "2002:a9fe:a9fe::1",
            // Teredo: a client of 127.0.0.1 (bits inverted), and a server at 10.0.0.1.
            "2001:0:4136:e378:8000:63bf:80ff:fffe",
            "2001:0:a00:1:8000:63bf:f7f7:f7f7",
        ] {
            assert!(is_forbidden(ip(a)), "{a} should be forbidden");
        }
        for a in [
            "93.184.216.34",
            "172.32.0.1",
            "100.128.0.1",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "2002:808:808::1",
            "2001:0:4136:e378:8000:63bf:f7f7:f7f7",
        ] {
            assert!(!is_forbidden(ip(a)), "{a} should be allowed");
        }
    }

    #[test]
    fn the_policy_lifts_the_ban_when_told() {
        let strict = AddressPolicy::default();
        assert!(!strict.permits(ip("127.0.0.2")));
        assert!(strict.permits(ip("8.8.8.8")));
        let some = AddressPolicy {
            allow_private: false,
            allowed: parse_cidrs("127.0.0.2, 10.1.0.0/16").unwrap(),
        };
        assert!(some.permits(ip("127.0.0.2")) && some.permits(ip("10.1.200.3")));
        assert!(!some.permits(ip("127.0.0.1")) && !some.permits(ip("10.2.0.1")));
        assert!(!some.permits(ip("169.254.169.254")));
        let open = AddressPolicy {
            allow_private: true,
            allowed: vec![],
        };
        assert!(open.permits(ip("169.254.169.254")));
    }

    #[test]
    fn ranges_and_static_answers_parse() {
        let v6 = Cidr::parse("fd00::/8").unwrap();
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        assert!(!v6.contains(ip("10.0.0.1")));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("1.2.3.4")));
        assert_eq!(parse_cidrs("10.0.0.0/33"), Err("10.0.0.0/33".into()));
        assert_eq!(parse_cidrs(" ").unwrap(), vec![]);
        assert_eq!(
            parse_static_answers("Public.test=127.0.0.2, v6.test=[::1]").unwrap(),
            vec![
                ("public.test".to_string(), ip("127.0.0.2")),
                ("v6.test".to_string(), ip("::1"))
            ]
        );
        assert!(parse_static_answers("nohost").is_err());
        assert!(parse_static_answers("a=not-an-ip").is_err());
    }
}
