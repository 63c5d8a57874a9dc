//! Small visit charts drawn on the server as inline SVG: one bar per day, oldest on the left.
//! No script and no style attribute (the pages' CSP allows neither inline): the bars take the
//! text colour through `fill="currentColor"`, so they follow the theme.

use maud::{html, Markup};

use crate::domain::visits::DayCount;
use crate::web::session::Ctx;

const BAR: u32 = 3;
const GAP: u32 = 1;
const HEIGHT: u32 = 32;

/// The bar chart of `days` with its caption in words (the total and the busiest day), which is
/// what screen readers read; each bar's day and count is its tooltip.
pub fn visits(ctx: &Ctx, days: &[DayCount]) -> Markup {
    let total: i64 = days.iter().map(|d| d.count).sum();
    let max = days.iter().map(|d| d.count).max().unwrap_or(0).max(1);
    let width = days.len() as u32 * (BAR + GAP);
    let busiest = days.iter().filter(|d| d.count > 0).max_by_key(|d| d.count);
    let label = match busiest {
        Some(b) => ctx.tf(
            "chart.visits_label",
            &[
                ("total", &ctx.num(total)),
                ("days", &days.len().to_string()),
                ("day", &b.day),
                ("count", &ctx.num(b.count)),
            ],
        ),
        None => ctx.tf("chart.no_visits", &[("days", &days.len().to_string())]),
    };
    html! {
        figure.chart {
            svg viewBox=(format!("0 0 {width} {HEIGHT}")) width=(width) height=(HEIGHT)
                preserveAspectRatio="none" aria-hidden="true" focusable="false" {
                line x1="0" y1=(HEIGHT - 1) x2=(width) y2=(HEIGHT - 1) stroke="currentColor" stroke-opacity="0.3" {}
                @for (i, d) in days.iter().enumerate() {
                    @if d.count > 0 {
                        @let h = ((d.count as f64 / max as f64) * f64::from(HEIGHT - 2)).ceil().max(2.0) as u32;
                        rect x=(i as u32 * (BAR + GAP)) y=(HEIGHT - 1 - h) width=(BAR) height=(h) fill="currentColor" {
                            title { (d.day) ": " (d.count) }
                        }
                    }
                }
            }
            figcaption.muted { (label) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::visits::series;
    use crate::web::i18n::Lang;

    fn ctx() -> Ctx {
        Ctx {
            lang: Lang::En,
            theme: "auto".into(),
            csrf: String::new(),
            here: "/".into(),
            is_cloud: false,
            account: None,
        }
    }

    #[test]
    fn a_bar_for_each_day_with_visits_and_a_sentence_for_screen_readers() {
        let days = series(1000, &[(1000, 4), (990, 2)]);
        let svg = visits(&ctx(), &days).into_string();
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("aria-hidden=\"true\""));
        assert!(svg.contains("6 visits"), "{svg}");
        assert!(!svg.contains("style="));
        // Inside SVG the HTML parser knows no void elements: every one is closed.
        assert_eq!(svg.matches("<line").count(), svg.matches("</line>").count());
    }

    #[test]
    fn no_visits_draw_only_the_baseline() {
        let days = series(1000, &[]);
        let svg = visits(&ctx(), &days).into_string();
        assert_eq!(svg.matches("<rect").count(), 0);
        assert!(svg.contains("No visits"), "{svg}");
    }
}
