//! Charts as SVG drawn here (no chart library): a bar toward a goal and a list of labelled
//! bars. Every figure is written out as text inside the chart and in its accessible name;
//! colour only repeats what the words say.

use crate::domain::survey::Rate;
use crate::ui::i18n::trf;
use leptos::prelude::*;

/// Chart width in SVG units; the chart scales to its box (≈ 1 unit per CSS px on a phone).
/// Whole units everywhere: no float formatting code in the bundle.
const W: u64 = 320;

/// A rate as the page shows it: one decimal, rounded down (a rate just under the goal never
/// reads as the goal), "—" before anyone answered.
pub fn percent_text(rate: &Rate) -> String {
    match tenths(rate) {
        Some(t) => format!("{}.{}%", t / 10, t % 10),
        None => "—".into(),
    }
}

/// The rate in tenths of a percent, rounded down, from the exact counts.
fn tenths(rate: &Rate) -> Option<u64> {
    (rate.answered > 0).then(|| rate.satisfied * 1000 / rate.answered)
}

/// `part` of `whole` as a percent with one decimal (for option shares).
pub fn share_text(part: u64, whole: u64) -> String {
    percent_text(&Rate {
        satisfied: part,
        answered: whole,
    })
}

/// How a rate stands against the goal: the class names of the colour (words say the same).
pub fn level_class(rate: &Rate, meets: bool) -> &'static str {
    match tenths(rate) {
        None => "level-none",
        Some(_) if meets => "level-good",
        Some(t) if t >= 800 => "level-mid",
        Some(_) => "level-low",
    }
}

/// A 0–100 % bar with the goal marked: `percent` filled, a tick and "目标 90%" at `goal`.
#[component]
pub fn GoalBar(rate: Rate, goal: u32, meets: bool, #[prop(into)] name: String) -> impl IntoView {
    let filled = tenths(&rate).map_or(0, |t| t.min(1000) * W / 1000);
    let gx = goal.min(100) as u64 * W / 100;
    let value = percent_text(&rate);
    let label = trf!(
        "{name}：{value}，目标 {goal}%",
        "{name}: {value}, goal {goal}%"
    );
    let goal_text = trf!("目标 {goal}%", "goal {goal}%");
    // The goal's words sit left of the tick when it is near the right edge.
    let anchor = if gx + 60 > W { "end" } else { "middle" };
    view! {
        <svg class=format!("chart goal-bar {}", level_class(&rate, meets)) viewBox=format!("0 0 {W} 46")
            role="img" aria-label=label>
            <rect class="track" x="0" y="6" width=W height="18" rx="4" />
            <rect class="fill" x="0" y="6" width=filled height="18" rx="4" />
            <line class="goal" x1=gx x2=gx y1="0" y2="30" />
            <text class="goal-text" x=gx y="44" text-anchor=anchor>{goal_text}</text>
        </svg>
    }
}

/// Responses against the sample target: a bar to the target (or beyond, then full).
#[component]
pub fn SampleBar(responses: u64, target: u64) -> impl IntoView {
    let filled = (responses.min(target) * W).checked_div(target).unwrap_or(W);
    let label = trf!(
        "已回收 {responses} 份，目标 {target} 份",
        "{responses} responses of a target of {target}"
    );
    let class = if responses >= target && target > 0 {
        "chart sample-bar level-good"
    } else {
        "chart sample-bar level-mid"
    };
    view! {
        <svg class=class viewBox=format!("0 0 {W} 24") role="img" aria-label=label>
            <rect class="track" x="0" y="3" width=W height="18" rx="4" />
            <rect class="fill" x="0" y="3" width=filled height="18" rx="4" />
        </svg>
    }
}

/// One bar of a [`BarList`].
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub count: u64,
    /// Marks satisfied answers (满意, 比较满意) with a ✓ next to the words.
    pub good: bool,
}

/// Where a [`BarList`]'s parts sit: short labels share the bar's line (a compact list), long
/// ones (English, long names) get a line of their own above it.
struct Layout {
    row: u64,
    label_y: u64,
    bar_x: u64,
    bar_y: u64,
    bar_max: u64,
    value_y: u64,
}

const COMPACT: Layout = Layout {
    row: 32,
    label_y: 21,
    bar_x: 96,
    bar_y: 9,
    bar_max: 124,
    value_y: 22,
};

const TWO_LINES: Layout = Layout {
    row: 50,
    label_y: 17,
    bar_x: 0,
    bar_y: 24,
    bar_max: 220,
    value_y: 37,
};

/// A label's rough width in chart units at 15 px: Chinese characters are square, the rest
/// about half as wide.
fn label_width(label: &str) -> u64 {
    label
        .chars()
        .map(|c| if (c as u32) >= 0x2E80 { 15 } else { 8 })
        .sum()
}

/// Labelled bars, one per row, with "N 份 · P%" at the end; shares are of `whole` (e.g. the
/// responses). `good` bars carry a ✓ after their label.
#[component]
pub fn BarList(bars: Vec<Bar>, whole: u64, #[prop(into)] name: String) -> impl IntoView {
    let label = |b: &Bar| {
        if b.good {
            format!("{} ✓", b.label)
        } else {
            b.label.clone()
        }
    };
    let l = if bars.iter().all(|b| label_width(&label(b)) <= 90) {
        COMPACT
    } else {
        TWO_LINES
    };
    let max = bars.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let h = l.row * bars.len() as u64;
    let summary = bars
        .iter()
        .map(|b| {
            let share = share_text(b.count, whole);
            let (label, count) = (&b.label, b.count);
            trf!("{label} {count} 份 {share}", "{label} {count} ({share})")
        })
        .collect::<Vec<_>>()
        .join(crate::ui::i18n::tr("；", "; "));
    let rows = bars
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let y = i as u64 * l.row;
            let wbar = if b.count == 0 {
                0
            } else {
                (b.count * l.bar_max / max).max(3)
            };
            let share = share_text(b.count, whole);
            let count = b.count;
            let value = trf!("{count} 份 · {share}", "{count} · {share}");
            view! {
                <g class=if b.good { "bar good" } else { "bar" }>
                    <text class="bar-label" x="0" y=y + l.label_y>{label(b)}</text>
                    <rect class="track" x=l.bar_x y=y + l.bar_y width=l.bar_max height="16" rx="3" />
                    <rect class="fill" x=l.bar_x y=y + l.bar_y width=wbar height="16" rx="3" />
                    <text class="bar-value" x=W y=y + l.value_y text-anchor="end">{value}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="chart bar-list" viewBox=format!("0 0 {W} {h}") role="img"
            aria-label=format!("{name}：{summary}")>
            {rows}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(satisfied: u64, answered: u64) -> Rate {
        Rate {
            satisfied,
            answered,
        }
    }

    #[test]
    fn rates_read_to_one_decimal_rounded_down() {
        assert_eq!(percent_text(&r(0, 0)), "—");
        assert_eq!(percent_text(&r(1, 1)), "100.0%");
        assert_eq!(percent_text(&r(2, 3)), "66.6%");
        assert_eq!(percent_text(&r(5, 7)), "71.4%");
        // 89.99…% never shows as the 90% goal.
        assert_eq!(percent_text(&r(8999, 10000)), "89.9%");
        assert_eq!(percent_text(&r(0, 4)), "0.0%");
    }

    #[test]
    fn short_labels_fit_beside_the_bar() {
        assert!(label_width("比较满意 ✓") <= 90);
        assert!(label_width("75 岁及以上") <= 90);
        assert!(label_width("Not very satisfied") > 90);
    }

    #[test]
    fn levels_follow_the_goal_and_the_80_band() {
        assert_eq!(level_class(&r(0, 0), false), "level-none");
        assert_eq!(level_class(&r(9, 10), true), "level-good");
        assert_eq!(level_class(&r(8, 10), false), "level-mid");
        assert_eq!(level_class(&r(7, 10), false), "level-low");
    }
}
