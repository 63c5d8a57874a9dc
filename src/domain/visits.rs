//! Visits per day: the last [`DAYS`] UTC days of a bookmark, oldest first, days without visits
//! as 0. Counts only; nothing about who visited is kept.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::time::{Timestamp, DAY_MS};

/// How many days of visits are kept and shown.
pub const DAYS: i64 = 90;

/// One UTC day's visits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct DayCount {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub count: i64,
}

/// The first day (days since the epoch) of the window that ends with `today`.
pub fn first_day(today: i64) -> i64 {
    today - (DAYS - 1)
}

/// The window of [`DAYS`] days ending with `today`, filled from `counts` (day, count) — which
/// may be in any order, repeat a day, or reach outside the window (ignored).
pub fn series(today: i64, counts: &[(i64, i64)]) -> Vec<DayCount> {
    let first = first_day(today);
    let mut per_day = vec![0i64; DAYS as usize];
    for &(day, count) in counts {
        if (first..=today).contains(&day) {
            per_day[(day - first) as usize] += count;
        }
    }
    per_day
        .into_iter()
        .enumerate()
        .map(|(i, count)| DayCount {
            day: Timestamp((first + i as i64) * DAY_MS).date(),
            count,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ninety_days_oldest_first_with_zeros_for_quiet_days() {
        let today = Timestamp(1_767_225_600_000).day(); // 2026-01-01
        let s = series(today, &[(today, 3), (today - 2, 1), (today, 2)]);
        assert_eq!(s.len(), 90);
        assert_eq!(
            s[89],
            DayCount {
                day: "2026-01-01".into(),
                count: 5
            }
        );
        assert_eq!(s[88].count, 0);
        assert_eq!(s[87].count, 1);
        assert_eq!(s[0].day, "2025-10-04");
    }

    #[test]
    fn days_outside_the_window_are_left_out() {
        let today = 20_000;
        let s = series(today, &[(today + 1, 7), (today - 90, 7), (today - 89, 2)]);
        assert_eq!(s.iter().map(|d| d.count).sum::<i64>(), 2);
        assert_eq!(s[0].count, 2);
    }

    #[test]
    fn a_day_starts_at_utc_midnight() {
        assert_eq!(Timestamp(DAY_MS - 1).day(), 0);
        assert_eq!(Timestamp(DAY_MS).day(), 1);
        assert_eq!(Timestamp(-1).day(), -1);
    }
}
