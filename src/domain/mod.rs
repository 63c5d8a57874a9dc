//! Validated types and the rules of the product. Nothing here touches the network or the
//! database: a value that exists has already been checked.

pub mod account;
pub mod auto_join;
pub mod bookmark_file;
pub mod error;
pub mod folder_tree;
pub mod golink;
pub mod history;
pub mod ids;
pub mod library;
pub mod link_health;
pub mod name_list;
pub mod oidc;
pub mod plan;
pub mod role;
pub mod search;
pub mod setting;
pub mod text_enum;
pub mod time;
pub mod visits;

pub use account::{Email, Password, PersonName};
pub use error::DomainError;
pub use ids::new_id;
pub use library::{Slug, TargetUrl, Title};
pub use plan::{Plan, PlanSeats, Rules, Seats};
pub use role::{InvitationStatus, OrgRole};
pub use search::SearchTerms;
pub use time::Timestamp;
