//! Ports a unit opened: what `open-port` and `close-port` change and `opened-ports` lists.

use std::fmt;

/// A port range as `open-port` accepts it (spec §4.3, `core/network/portrange.go`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PortRange {
    /// `tcp`, `udp` or `icmp`.
    pub protocol: Protocol,
    /// First port; `-1` for icmp.
    pub from: i64,
    /// Last port; `-1` for icmp.
    pub to: i64,
}

/// The protocol of a [`PortRange`]; ordered as Juju sorts them (by name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    /// ICMP (no ports).
    Icmp,
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
}

impl Protocol {
    /// The lowercase name Juju prints.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Icmp => "icmp",
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }
}

impl fmt::Display for PortRange {
    /// `80/tcp`, `8000-8080/udp` or `icmp`, as `opened-ports` prints them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.protocol {
            Protocol::Icmp => f.write_str("icmp"),
            _ if self.from == self.to => write!(f, "{}/{}", self.from, self.protocol.as_str()),
            _ => write!(f, "{}-{}/{}", self.from, self.to, self.protocol.as_str()),
        }
    }
}

/// A port range opened by this unit, for one endpoint or for all of them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OpenedPort {
    /// `None` when the range applies to every endpoint.
    pub endpoint: Option<String>,
    /// The range.
    pub range: PortRange,
}
