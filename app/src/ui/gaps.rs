//! The coverage gap map (覆盖缺口) of the chosen category: the streets from which none of its
//! outlets is within its ring (basic 10 minutes, quality 15), computed on the phone with the
//! same engine as the server's `/api/coverage`, drawn as bold dashed lines, with one line of
//! summary.

use super::i18n::{tr, trf};
use super::walking::WalkNet;
use crate::walk::coverage::Gaps;
use leptos::prelude::*;

/// One category's gaps, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct GapView {
    pub code: String,
    pub name: String,
    pub minutes: u32,
    /// Share of street length beyond the ring, in whole percent.
    pub percent: u32,
    /// One GeoJSON LineString per stretch, as FeatureCollection text.
    pub geojson: String,
    pub stretches: usize,
    /// Milliseconds to search, cut the stretches and write the GeoJSON.
    pub ms: f64,
}

impl GapView {
    pub fn new(net: &WalkNet, gaps: &Gaps, code: &str, name: &str, minutes: u32) -> GapView {
        GapView {
            code: code.to_string(),
            name: name.to_string(),
            minutes,
            percent: percent(gaps.gap_m, gaps.street_m),
            geojson: net.gaps_geojson(gaps),
            stretches: gaps.stretches.len(),
            ms: 0.0,
        }
    }

    /// "早餐店：约 26% 的街道步行 10 分钟内到不了".
    pub fn summary(&self) -> String {
        if self.percent == 0 && self.stretches == 0 {
            let (name, m) = (&self.name, self.minutes);
            trf!(
                "{name}：所有街道步行 {m} 分钟内都能到",
                "{name}: every street is within a {m}-minute walk"
            )
        } else {
            let (name, m, p) = (&self.name, self.minutes, self.percent);
            trf!(
                "{name}：约 {p}% 的街道步行 {m} 分钟内到不了",
                "{name}: about {p}% of the streets are more than a {m}-minute walk away"
            )
        }
    }
}

/// Whole percent of street length in the gaps, rounded like the server's `gap_share` (to
/// 0.001 first), so the phone and `/api/coverage` never differ by one.
pub fn percent(gap_m: f64, street_m: f64) -> u32 {
    if street_m <= 0.0 {
        return 0;
    }
    let share = (gap_m / street_m * 1000.0).round() / 1000.0;
    (share * 100.0).round() as u32
}

/// The toggle (only while one category is chosen and walking works) and, when on, the summary.
#[component]
pub fn GapControl(
    available: Signal<bool>,
    on: Signal<bool>,
    view: Signal<Option<GapView>>,
    on_toggle: Callback<bool>,
) -> impl IntoView {
    view! {
        <Show when=move || available.get()>
            <div class="gap-box">
                {move || view.get().filter(|_| on.get()).map(|g| view! {
                    <p
                        class="gap-summary"
                        data-testid="gap-summary"
                        data-percent=g.percent
                        data-stretches=g.stretches
                        data-ms=format!("{:.1}", g.ms)
                        role="status"
                    >
                        <i class="gap-swatch" aria-hidden="true"></i>
                        {g.summary()}
                    </p>
                })}
                <button
                    class="gap-toggle"
                    data-testid="gap-toggle"
                    aria-pressed=move || if on.get() { "true" } else { "false" }
                    on:click=move |_| on_toggle.run(!on.get_untracked())
                >
                    <i class="gap-swatch" aria-hidden="true"></i>
                    {move || if on.get() { tr("隐藏缺口", "Hide gaps") } else { tr("显示缺口", "Show gaps") }}
                </button>
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounds_like_the_server() {
        assert_eq!(percent(26.0, 100.0), 26);
        assert_eq!(percent(0.0, 100.0), 0);
        assert_eq!(percent(5.0, 0.0), 0);
        // 26.496 % is 0.265 to the server, and 27 % after it.
        assert_eq!(percent(264.96, 1000.0), 27);
        assert_eq!(percent(1.0, 1.0), 100);
    }
}
