//! The binary as operators run it: separate `slugbase serve` processes, signals, and a
//! PostgreSQL server that goes away and comes back (spec §14). Needs the PostgreSQL binaries
//! (`initdb`, `pg_ctl`), which `scripts/pg-temp.sh` needs too.

mod support;

mod database_restart;
mod harness;
mod instances;
mod link_checks;
mod metrics;
mod revocation;
mod shutdown;
