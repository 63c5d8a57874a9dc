//! What the JSON API (`http/`) and the pages (`web/`) both read from a request or set on its
//! answer: the cookies, the client's address, who is asking (`MaybeUser`, `CurrentUser`), the
//! organization header, and where a browser may safely be sent next.
//!
//! The two adapters are siblings and never import each other; what they share sits here, and
//! this module imports neither of them (`scripts/check-layers` holds it to that).

pub mod client_ip;
pub mod cookies;
pub mod identity;
pub mod org_header;
pub mod redirect;

pub use client_ip::ClientIp;
pub use identity::{CurrentUser, MaybeUser};
pub use org_header::OrgHeader;
