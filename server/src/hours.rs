//! `GET /api/hours?date=YYYY-MM-DD`: when each outlet is open over nine days around the
//! resident's date, as Unix-second intervals. The server reads OSM `opening_hours` (with the
//! `opening-hours` crate, too big for the phone's Wasm) as local times in the circle's time
//! zone; the phone compares the intervals with its own clock to say 营业中 / 即将打烊 / 已打烊 /
//! 营业时间未知, and keeps saying it offline for a week.
//!
//! Per outlet the answer is one of:
//! - `{"from", "to", "intervals": [[start, end], …]}`: open intervals, half-open, sorted, merged
//!   and clipped to the window. Outside them the outlet is closed — except inside the optional
//!   `"unknown_intervals"`, where its hours say "unknown" or only carry a comment ("Mo-Fr
//!   08:00-19:00 || \"on appointment\""): a resident there should read 营业时间未知, not 已打烊.
//! - `{"unknown": true}`: the hours never say open or closed in the window (only comments or
//!   `unknown` rules). Better "未知" than a shop marked closed all week.
//! - `{"error": "营业时间无法识别：…"}`: text the parser cannot read; the phone shows the raw
//!   text instead of a state.
//!
//! Public holidays: no holiday calendar is configured, so `PH` rules never match (every day is
//! an ordinary weekday) and `SH` likewise. The crate ships calendars (`Country::FI.holidays()`)
//! should a deployment want one. Sunrise/sunset times use the crate's location-free defaults.

use crate::api::AppState;
use crate::db;
use crate::error::ApiError;
use crate::params::Params;
use axum::extract::{RawQuery, State};
use axum::Json;
use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use opening_hours::{OpeningHours, RuleKind};
use opening_hours_syntax::rules::RuleSequence;
use opening_hours_syntax::ExtendedTime;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;

/// The window starts this many days before the requested date (a phone west of the circle, or
/// a late-night shop still open from yesterday) …
const DAYS_BEFORE: u64 = 1;
/// … and ends at the local midnight this many days after it: a week of offline answers.
const DAYS_AFTER: u64 = 8;
/// Distinct texts kept parsed; past this the cache starts over (it only grows with edits).
const MAX_CACHED: usize = 10_000;

/// The nine days the answer covers, in the circle's zone.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub tz: Tz,
    pub date: NaiveDate,
    from_local: NaiveDateTime,
    to_local: NaiveDateTime,
    /// Unix seconds of local midnight starting `date - 1`.
    pub from: i64,
    /// Unix seconds of local midnight starting `date + 8`.
    pub to: i64,
}

impl Window {
    /// `None` when the window would leave the calendar chrono knows.
    pub fn new(tz: Tz, date: NaiveDate) -> Option<Window> {
        let from_local = date
            .checked_sub_days(Days::new(DAYS_BEFORE))?
            .and_hms_opt(0, 0, 0)?;
        let to_local = date
            .checked_add_days(Days::new(DAYS_AFTER))?
            .and_hms_opt(0, 0, 0)?;
        Some(Window {
            tz,
            date,
            from_local,
            to_local,
            from: instant(tz, from_local),
            to: instant(tz, to_local),
        })
    }
}

/// A local wall time as Unix seconds. Ambiguous (clocks turned back): the earlier instant.
/// Skipped (clocks turned forward): the first instant after the gap, i.e. the change itself —
/// a shop "open until 03:30" on that night closes when 03:00 becomes 04:00.
pub fn instant(tz: Tz, local: NaiveDateTime) -> i64 {
    let mut t = local;
    // Gaps are an hour, rarely more; Samoa once skipped a whole day.
    for _ in 0..=(25 * 60) {
        if let Some(dt) = tz.from_local_datetime(&t).earliest() {
            return dt.timestamp();
        }
        t += TimeDelta::minutes(1);
    }
    local.and_utc().timestamp()
}

/// Sorts, clips to `[from, to)`, drops empty intervals and merges those that overlap or touch
/// (20:00–24:00 and 00:00–02:00 become one evening).
pub fn merge_clip(mut intervals: Vec<[i64; 2]>, from: i64, to: i64) -> Vec<[i64; 2]> {
    intervals.sort_unstable();
    let mut out: Vec<[i64; 2]> = Vec::with_capacity(intervals.len());
    for [start, end] in intervals {
        let (start, end) = (start.max(from), end.min(to));
        if start >= end {
            continue;
        }
        match out.last_mut() {
            Some(last) if start <= last[1] => last[1] = last[1].max(end),
            _ => out.push([start, end]),
        }
    }
    out
}

/// One outlet's entry in the answer (see the module comment).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum OutletHours {
    Known {
        from: i64,
        to: i64,
        intervals: Vec<[i64; 2]>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        unknown_intervals: Vec<[i64; 2]>,
    },
    Unknown {
        unknown: bool,
    },
    Error {
        error: String,
    },
}

impl OutletHours {
    fn unreadable(text: &str) -> OutletHours {
        OutletHours::Error {
            error: format!("营业时间无法识别：{text}"),
        }
    }
}

/// Open (and unknown) intervals of parsed hours over the window, day by day. (The crate's own
/// multi-day iterator skips days after a `||` fallback rule — "Mo-Fr 08:00-19:00 || …" came out
/// closed from Friday night to the end of the window — while its per-day schedule is right.)
pub fn evaluate(oh: &OpeningHours, w: &Window) -> OutletHours {
    let mut open = Vec::new();
    let mut unknown = Vec::new();
    let mut only_unknown = true;
    for day in w
        .from_local
        .date()
        .iter_days()
        .take_while(|d| *d < w.to_local.date())
    {
        let midnight = day.and_time(NaiveTime::MIN);
        let at = |t: ExtendedTime| {
            instant(
                w.tz,
                midnight + TimeDelta::minutes(t.mins_from_midnight().into()),
            )
        };
        for range in oh.schedule_at(day) {
            let span = [at(range.range.start), at(range.range.end)];
            match range.kind {
                RuleKind::Open => open.push(span),
                RuleKind::Unknown => unknown.push(span),
                RuleKind::Closed => {}
            }
            only_unknown &= range.kind == RuleKind::Unknown;
        }
    }
    if only_unknown {
        return OutletHours::Unknown { unknown: true };
    }
    OutletHours::Known {
        from: w.from,
        to: w.to,
        intervals: merge_clip(open, w.from, w.to),
        unknown_intervals: merge_clip(unknown, w.from, w.to),
    }
}

/// A rule that is only a comment (`"on appointment"`, the fallback in `Mo-Fr 08:00-19:00 ||
/// "on appointment"`) means "ask", as in opening_hours.js — the crate reads it as open around
/// the clock. Such rules become `unknown "…"`. (`24/7 "…"` parses the same and is caught too.)
fn comments_are_unknown(oh: OpeningHours) -> OpeningHours {
    let comment_only =
        |r: &RuleSequence| r.kind == RuleKind::Open && !r.comment.is_empty() && r.is_constant();
    let expr = oh.get_expression();
    if !expr.rules.iter().any(comment_only) {
        return oh;
    }
    let mut expr = (*expr).clone();
    for rule in expr.rules.iter_mut().filter(|r| comment_only(r)) {
        rule.kind = RuleKind::Unknown;
    }
    expr.to_string().parse().unwrap_or(oh)
}

/// An approved outlet's hours as stored.
#[derive(Debug, Clone)]
pub struct HoursRow {
    pub id: i64,
    pub opening_hours: Option<String>,
    pub open_24h: bool,
}

/// Parsed `opening_hours` texts, each parsed once for the life of the server (Helsinki has ~650
/// outlets but ~300 distinct texts). `None` marks text the parser refused.
#[derive(Default)]
pub struct HoursCache {
    parsed: Mutex<HashMap<String, Option<OpeningHours>>>,
}

impl HoursCache {
    fn parse(&self, text: &str) -> Option<OpeningHours> {
        let lock = || self.parsed.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(hit) = lock().get(text) {
            return hit.clone();
        }
        // A parser panic on odd text costs that outlet its hours, not the whole answer.
        let parsed = catch_unwind(|| text.parse::<OpeningHours>().ok().map(comments_are_unknown))
            .ok()
            .flatten();
        let mut map = lock();
        if map.len() >= MAX_CACHED {
            map.clear();
        }
        map.insert(text.to_string(), parsed.clone());
        parsed
    }

    /// Every listed outlet's entry: those with hours text, and 24-hour ones without any.
    pub fn outlets(&self, rows: &[HoursRow], w: &Window) -> BTreeMap<i64, OutletHours> {
        // Chains share their hours: evaluate each text once per answer.
        let mut by_text: HashMap<&str, OutletHours> = HashMap::new();
        let mut out = BTreeMap::new();
        for row in rows {
            let text = row.opening_hours.as_deref().map(str::trim);
            let entry = match text.filter(|t| !t.is_empty()) {
                Some(text) => by_text
                    .entry(text)
                    .or_insert_with(|| match self.parse(text) {
                        Some(oh) => catch_unwind(AssertUnwindSafe(|| evaluate(&oh, w)))
                            .unwrap_or_else(|_| OutletHours::unreadable(text)),
                        None => OutletHours::unreadable(text),
                    })
                    .clone(),
                None if row.open_24h => OutletHours::Known {
                    from: w.from,
                    to: w.to,
                    intervals: vec![[w.from, w.to]],
                    unknown_intervals: Vec::new(),
                },
                None => continue,
            };
            out.insert(row.id, entry);
        }
        out
    }
}

#[derive(Debug, Serialize)]
pub struct HoursResponse {
    pub timezone: String,
    pub date: String,
    pub from: i64,
    pub to: i64,
    pub outlets: BTreeMap<i64, OutletHours>,
}

/// `GET /api/hours?date=YYYY-MM-DD`, `date` being the phone's local date (default: today in
/// the circle's zone). One circle per deployment: the first one's zone applies.
pub async fn hours(
    State(s): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<HoursResponse>, ApiError> {
    let p = Params::parse(query.as_deref(), &["date"])?;
    let circle = crate::circles::first(&s).await?;
    let tz: Tz = circle
        .timezone
        .parse()
        .map_err(|_| ApiError::internal(format!("bad time zone {}", circle.timezone)))?;
    let date = match p.date()? {
        Some(d) => d,
        None => Utc::now().with_timezone(&tz).date_naive(),
    };
    let window = Window::new(tz, date).ok_or_else(|| Params::date_out_of_range(date))?;
    let rows = db::list_hours(&s.db, &s.dataset.name)
        .await
        .map_err(ApiError::storage)?;
    let cache = s.hours.clone();
    // Evaluating hundreds of schedules is CPU work: off the async threads.
    let outlets = tokio::task::spawn_blocking(move || cache.outlets(&rows, &window))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(Json(HoursResponse {
        timezone: circle.timezone.clone(),
        date: date.format("%Y-%m-%d").to_string(),
        from: window.from,
        to: window.to,
        outlets,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(tz: Tz, date: &str) -> Window {
        Window::new(tz, date.parse().unwrap()).unwrap()
    }

    fn at(tz: Tz, local: &str) -> i64 {
        instant(
            tz,
            NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap(),
        )
    }

    fn known(entry: &OutletHours) -> (&[[i64; 2]], &[[i64; 2]]) {
        match entry {
            OutletHours::Known {
                intervals,
                unknown_intervals,
                ..
            } => (intervals, unknown_intervals),
            other => panic!("expected hours, got {other:?}"),
        }
    }

    fn eval(text: &str, w: &Window) -> OutletHours {
        evaluate(&HoursCache::default().parse(text).unwrap(), w)
    }

    #[test]
    fn merging_sorts_joins_touching_and_overlapping_and_clips() {
        assert_eq!(
            merge_clip(
                vec![[50, 60], [10, 20], [20, 30], [25, 40], [45, 45]],
                0,
                100
            ),
            vec![[10, 40], [50, 60]]
        );
        assert_eq!(
            merge_clip(vec![[-10, 5], [8, 9], [95, 120], [130, 140]], 0, 100),
            vec![[0, 5], [8, 9], [95, 100]]
        );
        assert!(merge_clip(vec![[-10, 0], [100, 110]], 0, 100).is_empty());
        assert_eq!(merge_clip(vec![[0, 10], [2, 3]], 0, 100), vec![[0, 10]]);
    }

    #[test]
    fn window_is_nine_local_days_and_knows_daylight_saving() {
        let w = window(chrono_tz::Asia::Shanghai, "2026-11-21");
        // 2026-11-20 00:00 +08:00 and 2026-11-29 00:00 +08:00.
        assert_eq!((w.from, w.to), (1_795_104_000, 1_795_881_600));
        let w = window(chrono_tz::Europe::Helsinki, "2026-10-25");
        // 2026-10-24 00:00 EEST (+03) to 2026-11-02 00:00 EET (+02): nine days and an hour.
        assert_eq!(w.from, 1_792_789_200);
        assert_eq!(w.to - w.from, 9 * 86_400 + 3_600);
    }

    #[test]
    fn skipped_and_repeated_local_times_take_the_earliest_instant() {
        let tz = chrono_tz::Europe::Helsinki;
        // 2026-03-29 03:00 EET became 04:00 EEST at 01:00 UTC.
        assert_eq!(at(tz, "2026-03-29 03:30"), at(tz, "2026-03-29 04:00"));
        assert_eq!(at(tz, "2026-03-29 04:00"), 1_774_746_000);
        // 2026-10-25 03:30 happened twice; the first is 00:30 UTC.
        assert_eq!(at(tz, "2026-10-25 03:30"), 1_792_888_200);
    }

    #[test]
    fn a_night_across_midnight_is_one_interval_and_unknown_is_not_open() {
        let tz = chrono_tz::Asia::Shanghai;
        let w = window(tz, "2026-11-21");
        let e = eval("Mo-Su 20:00-24:00, 00:00-02:00", &w);
        let (open, unknown) = known(&e);
        assert_eq!(
            open.len(),
            10,
            "early hours of the 20th, 8 nights, the last evening"
        );
        assert_eq!(open[0], [w.from, at(tz, "2026-11-20 02:00")]);
        assert_eq!(
            open[1],
            [at(tz, "2026-11-20 20:00"), at(tz, "2026-11-21 02:00")]
        );
        assert_eq!(open[9], [at(tz, "2026-11-28 20:00"), w.to]);
        assert!(unknown.is_empty());

        let e = eval("Mo-Fr 08:00-12:00 unknown; Sa 09:00-10:00", &w);
        let (open, unknown) = known(&e);
        assert_eq!(
            open,
            [
                [at(tz, "2026-11-21 09:00"), at(tz, "2026-11-21 10:00")],
                [at(tz, "2026-11-28 09:00"), at(tz, "2026-11-28 10:00")]
            ]
        );
        assert_eq!(unknown.len(), 6, "{unknown:?}");
        assert_eq!(
            unknown[0],
            [at(tz, "2026-11-20 08:00"), at(tz, "2026-11-20 12:00")]
        );
        assert_eq!(
            eval("\"on appointment\"", &w),
            OutletHours::Unknown { unknown: true }
        );
        // Open on weekdays, by appointment at weekends (a fallback rule covers the days the
        // first rule does not): unknown then, not open.
        let e = eval("Mo-Fr 08:00-19:00 || \"on appointment\"", &w);
        let (open, unknown) = known(&e);
        assert_eq!(open.len(), 6);
        assert_eq!(
            unknown,
            [
                [at(tz, "2026-11-21 00:00"), at(tz, "2026-11-23 00:00")],
                [at(tz, "2026-11-28 00:00"), w.to]
            ]
        );
        // An explicit `open` with a comment stays open.
        let lunch = eval("Mo-Fr 11:00-15:00 open \"Lunch\"", &w);
        let (open, unknown) = known(&lunch);
        assert_eq!(open.len(), 6);
        assert!(unknown.is_empty());
        let off = eval("off", &w);
        assert!(known(&off).0.is_empty());
    }

    #[test]
    fn cache_reads_each_text_once_and_reports_unreadable_text() {
        let w = window(chrono_tz::Europe::Helsinki, "2026-11-21");
        let row = |id, text: Option<&str>, open_24h| HoursRow {
            id,
            opening_hours: text.map(String::from),
            open_24h,
        };
        let cache = HoursCache::default();
        let rows = [
            row(1, Some("Mo-Fr 09:00-17:00"), false),
            row(2, Some("Mo-Fr 09:00-17:00"), false),
            row(3, Some("ma-pe 9-17 paitsi joskus"), false),
            row(4, None, true),
            row(5, None, false),
            row(6, Some("  "), false),
        ];
        let out = cache.outlets(&rows, &w);
        assert_eq!(out.keys().copied().collect::<Vec<_>>(), vec![1, 2, 3, 4]);
        assert_eq!(out[&1], out[&2]);
        assert_eq!(known(&out[&1]).0.len(), 6, "Fri 20th and Mon–Fri 23rd–27th");
        assert_eq!(
            out[&3],
            OutletHours::Error {
                error: "营业时间无法识别：ma-pe 9-17 paitsi joskus".into()
            }
        );
        assert_eq!(known(&out[&4]).0, [[w.from, w.to]]);
        assert_eq!(cache.parsed.lock().unwrap().len(), 2);
    }
}
