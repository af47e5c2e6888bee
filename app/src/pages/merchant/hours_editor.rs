//! The weekly opening-hours editor: per day up to three open–close spans (a lunch break, an
//! evening market), "rest" when a day has none, or one switch for 24 hours; below it the OSM
//! `opening_hours` text the listing will store and how residents will read it.

use super::form::Errors;
use super::model::FormState;
use crate::domain::merchant::weekly_hours::MAX_SPANS;
use crate::domain::merchant::Span;
use crate::ui::i18n::{tr, trf};
use leptos::prelude::*;

const DAYS: [(&str, &str); 7] = [
    ("周一", "Mon"),
    ("周二", "Tue"),
    ("周三", "Wed"),
    ("周四", "Thu"),
    ("周五", "Fri"),
    ("周六", "Sat"),
    ("周日", "Sun"),
];

/// "08:30" → (8, 30); what a time input gives.
pub fn parse_time(text: &str) -> Option<(u8, u8)> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u8, u8) = (h.parse().ok()?, m.get(..2)?.parse().ok()?);
    (h < 24 && m < 60).then_some((h, m))
}

pub fn time_text((h, m): (u8, u8)) -> String {
    // A closing time of 24:00 is midnight: a time input shows it as 00:00.
    format!("{:02}:{m:02}", h % 24)
}

#[component]
pub fn HoursEditor(state: RwSignal<FormState>, errors: Signal<Vec<String>>) -> impl IntoView {
    let all_day = Memo::new(move |_| state.with(|s| s.hours.open_24h));
    let osm = Memo::new(move |_| state.with(|s| s.hours.to_osm()));
    let days = (0..7)
        .map(|d| view! { <DayRow state day=d /> })
        .collect_view();
    view! {
        <label class="check">
            <input type="checkbox" data-testid="hours-24h"
                prop:checked=move || all_day.get()
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    state.update(|s| s.hours.open_24h = on);
                } />
            <span><strong>{tr("24 小时营业", "Open 24 hours")}</strong></span>
        </label>
        <div class="week" hidden=move || all_day.get()>
            {days}
            <button class="small-button" type="button" data-testid="hours-copy-monday"
                on:click=move |_| state.update(|s| {
                    let monday = s.hours.days[0].clone();
                    for d in 1..7 {
                        s.hours.days[d] = monday.clone();
                    }
                })>
                {tr("每天都和周一相同", "Same as Monday every day")}
            </button>
        </div>
        <Errors list=errors />
        <div class="hours-result" aria-live="polite">
            {move || match osm.get() {
                Some(text) => view! {
                    <p>{tr("居民看到：", "Residents see: ")}<strong data-testid="hours-text">{crate::ui::hours::hours_text(&text)}</strong></p>
                    <p class="small">{tr("营业时间代码（OpenStreetMap 格式）：", "As OSM opening_hours: ")}<code class="mono" data-testid="hours-osm">{text}</code></p>
                }.into_any(),
                None => view! {
                    <p class="small">{tr("还没有营业时间：请给至少一天加上时段，或选 24 小时营业", "No hours yet: add a span to a day, or choose open 24 hours")}</p>
                }.into_any(),
            }}
        </div>
    }
}

#[component]
fn DayRow(state: RwSignal<FormState>, day: usize) -> impl IntoView {
    let (zh, en) = DAYS[day];
    let name = tr(zh, en);
    // Redrawn only when a span is added or removed, so typing a time keeps its focus.
    let count = Memo::new(move |_| state.with(|s| s.hours.days[day].len()));
    let set_time = move |span: usize, open: bool, text: String| {
        let Some(t) = parse_time(&text) else { return };
        state.update(|s| {
            if let Some(sp) = s.hours.days[day].get_mut(span) {
                if open {
                    sp.open = t;
                } else {
                    sp.close = t;
                }
            }
        });
    };
    // The values follow the state (the "same as Monday" button changes them from outside).
    let shown = move |span: usize, open: bool| {
        state.with(|s| {
            s.hours.days[day]
                .get(span)
                .map(|sp| time_text(if open { sp.open } else { sp.close }))
        })
    };
    view! {
        <div class="day-row" data-testid=format!("day-{day}") role="group" aria-label=name>
            <span class="day-name" aria-hidden="true">{name}</span>
            <div class="day-spans">
                {move || {
                    let n = count.get();
                    if n == 0 {
                        return view! { <span class="day-rest">{tr("休息", "Closed")}</span> }.into_any();
                    }
                    let spans = state.with_untracked(|s| s.hours.days[day].clone());
                    spans
                        .into_iter()
                        .enumerate()
                        .map(|(i, sp)| {
                            let nth = i + 1;
                            view! {
                                <div class="span-row">
                                    <input class="field time" type="time" step="300"
                                        data-testid=format!("open-{day}-{i}")
                                        aria-label=trf!("{name}第{nth}段开门时间", "{name} span {nth} opens")
                                        prop:value=move || shown(i, true).unwrap_or_else(|| time_text(sp.open))
                                        on:change=move |ev| set_time(i, true, event_target_value(&ev)) />
                                    <span aria-hidden="true">"–"</span>
                                    <input class="field time" type="time" step="300"
                                        data-testid=format!("close-{day}-{i}")
                                        aria-label=trf!("{name}第{nth}段关门时间", "{name} span {nth} closes")
                                        prop:value=move || shown(i, false).unwrap_or_else(|| time_text(sp.close))
                                        on:change=move |ev| set_time(i, false, event_target_value(&ev)) />
                                    <button class="icon-button" type="button"
                                        aria-label=trf!("删除{name}第{nth}段", "Remove {name} span {nth}")
                                        on:click=move |_| state.update(|s| {
                                            if i < s.hours.days[day].len() {
                                                s.hours.days[day].remove(i);
                                            }
                                        })>
                                        "×"
                                    </button>
                                </div>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </div>
            <button class="small-button add-span" type="button"
                hidden=move || { count.get() >= MAX_SPANS }
                aria-label=trf!("给{name}加一个营业时段", "Add a span to {name}")
                on:click=move |_| state.update(|s| {
                    // After the last span (a lunch break, an evening market), else the day.
                    let next = match s.hours.days[day].last() {
                        Some(last) if last.close.0 < 22 => Span::new(
                            (last.close.0 + 1, last.close.1),
                            ((last.close.0 + 3).min(23), last.close.1),
                        ),
                        Some(_) => return,
                        None => Span::new((8, 0), (20, 0)),
                    };
                    s.hours.days[day].push(next);
                })>
                {tr("+ 时段", "+ Span")}
            </button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_and_write_as_the_time_input_does() {
        assert_eq!(parse_time("08:30"), Some((8, 30)));
        assert_eq!(parse_time("23:55:00"), Some((23, 55)));
        assert_eq!(parse_time("24:00"), None);
        assert_eq!(parse_time(""), None);
        assert_eq!(time_text((8, 5)), "08:05");
        assert_eq!(time_text((24, 0)), "00:00");
    }
}
