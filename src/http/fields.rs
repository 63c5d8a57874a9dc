//! Schemas of the validated request fields, for `#[schema(schema_with = …)]` on body structs.
//!
//! Each says, in JSON Schema, what the domain's validator for that field accepts (see
//! `domain::account` and `domain::library`), so that a generated client or a fuzzer sends
//! what the server takes and learns what it refuses. Text is trimmed by the server, so "present"
//! means "has a character that is not whitespace"; control characters other than tab, carriage
//! return and newline are refused everywhere.

use utoipa::openapi::schema::{
    ArrayBuilder, KnownFormat, Object, ObjectBuilder, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::{RefOr, Schema};

/// No control character but tab, CR and LF (the domain's `refuse_control`).
const PRINTABLE: &str = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$";
/// [`PRINTABLE`] with at least one character that is not whitespace.
const PRESENT: &str = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$";
/// The password policy: an upper-case and a lower-case letter, a digit and a symbol.
/// (NUL is refused in every JSON string.)
const PASSWORD: &str =
    r"^(?=[\s\S]*[A-Z])(?=[\s\S]*[a-z])(?=[\s\S]*[0-9])(?=[\s\S]*[!-/:-@\[-`{-~])[^\u0000]*$";
/// [`PRESENT`] on one line: no line break, tab or line separator either (names of people,
/// organizations, teams and tokens: they appear in subjects and log lines).
const ONE_LINE: &str = r"^[^\u0000-\u001F\u007F-\u009F\u2028\u2029]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F\u2028\u2029]*$";
/// Any text but NUL.
const SLUG: &str = r"^[A-Za-z0-9_-]+$";
/// An `http` or `https` URL with a host, in any letter case.
const HTTP_URL: &str = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]";

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn format(f: KnownFormat) -> Option<SchemaFormat> {
    Some(SchemaFormat::KnownFormat(f))
}

/// Required text of at most `max` characters.
fn text(max: usize) -> Object {
    string()
        .max_length(Some(max))
        .pattern(Some(PRESENT))
        .build()
}

/// A required name on one line, of at most `max` characters.
fn one_line(max: usize) -> Object {
    string()
        .max_length(Some(max))
        .pattern(Some(ONE_LINE))
        .build()
}

/// Optional text of at most `max` characters; `null` or `""` clears it.
fn clearable(max: usize) -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .max_length(Some(max))
        .pattern(Some(PRINTABLE))
        .build()
}

pub fn email() -> Object {
    string()
        .format(format(KnownFormat::Email))
        .max_length(Some(255))
        .build()
}

/// A field an admin's edit may leave out, send as `null`, or (a password) send empty: each
/// keeps what is stored, as the original client sends them.
pub fn kept_if_null(mut schema: Object) -> Object {
    schema.schema_type = SchemaType::from_iter([Type::String, Type::Null]);
    schema
}

pub fn nullable_person_name() -> Object {
    kept_if_null(person_name())
}

pub fn nullable_email() -> Object {
    kept_if_null(email())
}

/// A new password, or empty (or `null`) to keep the current one.
pub fn password_or_empty() -> RefOr<Schema> {
    let empty = string().max_length(Some(0)).build();
    let any_of = utoipa::openapi::schema::AnyOfBuilder::new()
        .item(kept_if_null(password()))
        .item(empty)
        .build();
    RefOr::T(Schema::AnyOf(any_of))
}

pub fn person_name() -> Object {
    one_line(255)
}

pub fn password() -> Object {
    string()
        .min_length(Some(8))
        .max_length(Some(128))
        .pattern(Some(PASSWORD))
        .description(Some(
            "8–128 characters with an upper-case letter, a lower-case letter, a digit and a symbol",
        ))
        .build()
}

pub fn title() -> Object {
    text(500)
}

pub fn url() -> Object {
    string()
        .format(Some(SchemaFormat::Custom("uri".into())))
        .max_length(Some(2048))
        .pattern(Some(HTTP_URL))
        .description(Some("An absolute `http` or `https` URL"))
        .build()
}

pub fn slug() -> Object {
    string().max_length(Some(255)).pattern(Some(SLUG)).build()
}

/// A bookmark's slug: `null` or `""` removes it.
pub fn clearable_slug() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .max_length(Some(255))
        .pattern(Some(r"^[A-Za-z0-9_-]*$"))
        .build()
}

pub fn name_100() -> Object {
    text(100)
}

/// A name that may be left blank (or `null`) for a default, at most 100 characters.
pub fn name_or_blank_100() -> Object {
    clearable(100)
}

/// An organization's name: the domain's one rule for names (`bounded_name`), like a person's.
pub fn org_name() -> Object {
    one_line(255)
}

/// An API token's name: the same rule, at most 100 characters.
pub fn token_name() -> Object {
    one_line(100)
}

/// A team's name: on one line, at most 255 characters.
pub fn team_name() -> Object {
    one_line(255)
}

pub fn name_255() -> Object {
    text(255)
}

pub fn icon() -> Object {
    clearable(50)
}

pub fn description() -> Object {
    clearable(500)
}

pub fn uuid() -> Object {
    string().format(format(KnownFormat::Uuid)).build()
}

/// An id, or `null` — or blank text, which reads as `null` (a form's empty choice).
pub fn nullable_uuid() -> RefOr<Schema> {
    or_blank(
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
            .format(format(KnownFormat::Uuid))
            .build(),
    )
}

/// A list of ids; repeats count once.
pub fn uuids() -> RefOr<Schema> {
    ArrayBuilder::new().items(uuid()).build().into()
}

/// A list of ids that must name at least one.
pub fn some_uuids() -> RefOr<Schema> {
    ArrayBuilder::new()
        .items(uuid())
        .min_items(Some(1))
        .build()
        .into()
}

/// An opaque token from an emailed link or a login step.
pub fn token() -> Object {
    string()
        .min_length(Some(1))
        .pattern(Some(NOT_BLANK))
        .build()
}

/// Something besides white space (what Rust's `trim` takes away), and no NUL: a token that is
/// only white space is read as no token at all.
const NOT_BLANK: &str = r"^[^\u0000]*[^\u0000\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000]*$";

/// A query parameter the server reads as absent when it is empty or blank (as an HTML form
/// sends an empty field): `schema`, or text with nothing but white space in it.
pub fn or_blank(schema: impl Into<RefOr<Schema>>) -> RefOr<Schema> {
    // The same characters as `list_params::is_blank_char`, spelled out so that every regex
    // engine (JavaScript's, Python's) reads the same set.
    let blank = string()
        .pattern(Some(
            r"^[\t\n\u000B\f\r \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF]*$",
        ))
        .build();
    let any_of = utoipa::openapi::schema::AnyOfBuilder::new()
        .item(schema)
        .item(blank)
        .build();
    RefOr::T(Schema::AnyOf(any_of))
}

/// A whole number of at least `minimum`.
pub fn integer(minimum: Option<f64>) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(minimum)
        .build()
}

/// `true` or `false`.
pub fn boolean() -> Object {
    ObjectBuilder::new().schema_type(Type::Boolean).build()
}

/// One of `values`, or blank (read as absent).
pub fn one_of(values: &[&'static str]) -> RefOr<Schema> {
    or_blank(string().enum_values(Some(values.iter().copied())).build())
}

/// A list's `scope`.
pub fn scope() -> RefOr<Schema> {
    one_of(crate::store::bookmark_list::Scope::NAMES)
}

/// A list's page size: any whole number (the server holds it to its bounds), or blank.
pub fn page_limit() -> RefOr<Schema> {
    or_blank(integer(None))
}

/// How many items a page skips: a whole number of at least 0, or blank.
pub fn page_offset() -> RefOr<Schema> {
    or_blank(integer(Some(0.0)))
}
