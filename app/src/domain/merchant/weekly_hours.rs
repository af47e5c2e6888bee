//! The simple weekly opening-hours editor's model: per weekday up to three spans, or "open 24
//! hours". It writes OpenStreetMap `opening_hours` text (what outlets store and the server
//! evaluates) and reads back the same subset, so a merchant editing a listing starts from its
//! hours.

use serde::{Deserialize, Serialize};

/// At most this many spans a day: enough for a lunch break and an evening market.
pub const MAX_SPANS: usize = 3;

const DAY_MINUTES: u32 = 24 * 60;
const OSM_DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
const ZH_DAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
const EN_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// One opening span, times as (hour, minute). A closing time at or before the opening time
/// means the span runs past midnight (22:00–02:00); 00:00 and 24:00 as closing time both mean
/// midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Span {
    pub open: (u8, u8),
    pub close: (u8, u8),
}

impl Span {
    pub fn new(open: (u8, u8), close: (u8, u8)) -> Span {
        Span { open, close }
    }

    /// Start and end in minutes after the day's midnight; the end passes 1440 when the span
    /// runs into the next day.
    fn minutes(&self) -> (u32, u32) {
        let open = minutes_of(self.open);
        let close = minutes_of(self.close);
        (
            open,
            if close <= open {
                close + DAY_MINUTES
            } else {
                close
            },
        )
    }

    fn crosses_midnight(&self) -> bool {
        self.minutes().1 > DAY_MINUTES
    }

    fn to_osm(self) -> String {
        let close = if self.close == (0, 0) {
            (24, 0)
        } else {
            self.close
        };
        format!("{}-{}", hhmm(self.open), hhmm(close))
    }
}

fn minutes_of((h, m): (u8, u8)) -> u32 {
    u32::from(h) * 60 + u32::from(m)
}

fn hhmm((h, m): (u8, u8)) -> String {
    format!("{h:02}:{m:02}")
}

/// The editor's state: `days[0]` is Monday, `days[6]` Sunday. When `open_24h` is set the days
/// are ignored (the form may keep them for when the switch goes off again).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeeklyHours {
    pub open_24h: bool,
    pub days: [Vec<Span>; 7],
}

/// A problem in the hours. `day` is 0 = Monday; `span` the index in the day's list as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoursError {
    /// An hour above 23 (24:00 only as a closing time) or a minute above 59.
    BadTime {
        day: usize,
        span: usize,
        time: (u8, u8),
    },
    NotOnFive {
        day: usize,
        span: usize,
        time: (u8, u8),
    },
    CloseEqualsOpen {
        day: usize,
        span: usize,
    },
    TooManySpans {
        day: usize,
        count: usize,
    },
    /// `span` of `day` overlaps `other_span` of `other_day` (the same day, or the day before
    /// when that span runs past midnight).
    Overlap {
        day: usize,
        span: usize,
        other_day: usize,
        other_span: usize,
    },
}

impl HoursError {
    /// The JSON path of the field at fault within a registration.
    pub fn field(&self) -> String {
        match *self {
            HoursError::TooManySpans { day, .. } => format!("hours.days[{day}]"),
            HoursError::BadTime { day, span, .. }
            | HoursError::NotOnFive { day, span, .. }
            | HoursError::CloseEqualsOpen { day, span }
            | HoursError::Overlap { day, span, .. } => format!("hours.days[{day}][{span}]"),
        }
    }

    pub fn message_zh(&self) -> String {
        let at = |day: usize, span: usize| format!("{}第 {} 段", ZH_DAYS[day], span + 1);
        match *self {
            HoursError::BadTime { day, span, time } => {
                format!("{}：时间 {} 无效", at(day, span), hhmm(time))
            }
            HoursError::NotOnFive { day, span, time } => {
                format!("{}：{} 请按 5 分钟取整", at(day, span), hhmm(time))
            }
            HoursError::CloseEqualsOpen { day, span } => {
                format!("{}：关门时间与开门时间相同", at(day, span))
            }
            HoursError::TooManySpans { day, count } => format!(
                "{}最多填 {MAX_SPANS} 个时段，现在有 {count} 个",
                ZH_DAYS[day]
            ),
            HoursError::Overlap {
                day,
                span,
                other_day,
                other_span,
            } if day == other_day => {
                format!("{}：与第 {} 段时间重叠", at(day, span), other_span + 1)
            }
            HoursError::Overlap {
                day,
                span,
                other_day,
                other_span,
            } => format!(
                "{}：与{}（营业到次日）时间重叠",
                at(day, span),
                at(other_day, other_span)
            ),
        }
    }

    pub fn message_en(&self) -> String {
        let at = |day: usize, span: usize| format!("{}, span {}", EN_DAYS[day], span + 1);
        match *self {
            HoursError::BadTime { day, span, time } => {
                format!("{}: {} is not a time", at(day, span), hhmm(time))
            }
            HoursError::NotOnFive { day, span, time } => format!(
                "{}: {} is not on a 5-minute step",
                at(day, span),
                hhmm(time)
            ),
            HoursError::CloseEqualsOpen { day, span } => {
                format!("{}: closing time equals opening time", at(day, span))
            }
            HoursError::TooManySpans { day, count } => {
                format!("{}: at most {MAX_SPANS} spans, {count} given", EN_DAYS[day])
            }
            HoursError::Overlap {
                day,
                span,
                other_day,
                other_span,
            } => format!("{}: overlaps {}", at(day, span), at(other_day, other_span)),
        }
    }
}

impl WeeklyHours {
    /// No hours at all: not open 24 hours and every day empty.
    pub fn is_empty(&self) -> bool {
        !self.open_24h && self.days.iter().all(Vec::is_empty)
    }

    /// Every problem, in day order. Nothing to check when open 24 hours.
    pub fn check(&self) -> Result<(), Vec<HoursError>> {
        if self.open_24h {
            return Ok(());
        }
        let mut errors = Vec::new();
        for (day, spans) in self.days.iter().enumerate() {
            if spans.len() > MAX_SPANS {
                errors.push(HoursError::TooManySpans {
                    day,
                    count: spans.len(),
                });
            }
            for (span, s) in spans.iter().enumerate() {
                errors.extend(time_errors(day, span, s));
            }
        }
        // Overlaps only make sense between well-formed spans.
        if errors.is_empty() {
            errors.extend(self.overlaps());
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn overlaps(&self) -> Vec<HoursError> {
        let mut errors = Vec::new();
        for day in 0..7 {
            let mut spans: Vec<(usize, (u32, u32))> = self.days[day]
                .iter()
                .map(Span::minutes)
                .enumerate()
                .collect();
            spans.sort_by_key(|&(_, m)| m);
            // Each span against the one reaching furthest among those starting before it.
            let mut furthest: Option<(usize, u32)> = None;
            for &(b, (b_start, b_end)) in &spans {
                if let Some((a, a_end)) = furthest.filter(|&(_, a_end)| a_end > b_start) {
                    errors.push(HoursError::Overlap {
                        day,
                        span: b,
                        other_day: day,
                        other_span: a,
                    });
                    if a_end >= b_end {
                        continue;
                    }
                }
                furthest = Some((b, b_end));
            }
            // A span past midnight runs into the next day's first hours (Sunday into Monday).
            let next = (day + 1) % 7;
            for &(a, (_, a_end)) in spans.iter().filter(|(_, (_, e))| *e > DAY_MINUTES) {
                let spill_end = a_end - DAY_MINUTES;
                for (b, s) in self.days[next].iter().enumerate() {
                    if s.minutes().0 < spill_end {
                        errors.push(HoursError::Overlap {
                            day: next,
                            span: b,
                            other_day: day,
                            other_span: a,
                        });
                    }
                }
            }
        }
        errors.sort_by_key(|e| match *e {
            HoursError::Overlap { day, span, .. } => (day, span),
            _ => (0, 0),
        });
        errors
    }

    /// OpenStreetMap `opening_hours` text, or `None` when no day has hours.
    ///
    /// "24/7" when open 24 hours. Otherwise days with the same spans form one rule, the days
    /// written as ranges of three or more ("Mo-Fr"), pairs and single days as lists ("Sa,Su",
    /// "Mo,We,Fr"); rules are ordered by their first day and spans by opening time. Closed days
    /// are left out rather than written "off": in `opening_hours` whatever no rule names is
    /// closed, and shorter text is easier for people who read and edit it on OSM.
    ///
    /// Rules are joined with "; " except when a span runs past midnight into a day that has a
    /// rule of its own: a "; " (normal) rule replaces whole days, so it would erase the hours
    /// carried over from the evening before; then rules are joined with ", " (additional rules),
    /// which add up instead. The days of our rules never overlap, so nothing else changes.
    pub fn to_osm(&self) -> Option<String> {
        if self.open_24h {
            return Some("24/7".to_string());
        }
        let sorted: Vec<Vec<Span>> = self
            .days
            .iter()
            .map(|spans| {
                let mut spans = spans.clone();
                spans.sort_by_key(Span::minutes);
                spans
            })
            .collect();
        // (spans, days having exactly these spans), in order of first day.
        let mut rules: Vec<(&[Span], Vec<usize>)> = Vec::new();
        for (day, spans) in sorted.iter().enumerate() {
            if spans.is_empty() {
                continue;
            }
            match rules.iter_mut().find(|(s, _)| *s == spans.as_slice()) {
                Some((_, days)) => days.push(day),
                None => rules.push((spans, vec![day])),
            }
        }
        if rules.is_empty() {
            return None;
        }
        let carries_into_other_rule = (0..7).any(|day| {
            let next = (day + 1) % 7;
            sorted[day].iter().any(|s| s.crosses_midnight())
                && !sorted[next].is_empty()
                && sorted[next] != sorted[day]
        });
        let separator = if carries_into_other_rule { ", " } else { "; " };
        let text: Vec<String> = rules
            .iter()
            .map(|(spans, days)| {
                let spans: Vec<String> = spans.iter().map(|s| s.to_osm()).collect();
                format!("{} {}", osm_days(days), spans.join(","))
            })
            .collect();
        Some(text.join(separator))
    }

    /// Reads the subset of `opening_hours` that [`WeeklyHours::to_osm`] writes (rules joined by
    /// "; " or ", ", plus a rule of spans alone meaning every day), when the hours it gives
    /// pass [`WeeklyHours::check`]. Anything else (holidays, "off", months, comments) gives
    /// `None`: the editor then starts empty rather than show hours it cannot represent.
    pub fn from_osm(text: &str) -> Option<WeeklyHours> {
        let text = text.trim();
        if text == "24/7" {
            return Some(WeeklyHours {
                open_24h: true,
                ..WeeklyHours::default()
            });
        }
        let mut hours = WeeklyHours::default();
        let mut any = false;
        for rule in text.split(';').flat_map(|r| r.split(", ")) {
            let rule = rule.trim();
            let (days, spans) = match rule.split_once(' ') {
                Some((days, spans)) => (parse_days(days)?, spans),
                None => ((0..7).collect(), rule),
            };
            let spans: Vec<Span> = spans.split(',').map(parse_span).collect::<Option<_>>()?;
            for day in days {
                if !hours.days[day].is_empty() {
                    return None;
                }
                hours.days[day] = spans.clone();
            }
            any = true;
        }
        (any && hours.check().is_ok()).then_some(hours)
    }
}

fn time_errors(day: usize, span: usize, s: &Span) -> Vec<HoursError> {
    let mut errors = Vec::new();
    let valid =
        |(h, m): (u8, u8), is_close: bool| m < 60 && (h < 24 || (is_close && h == 24 && m == 0));
    for (time, is_close) in [(s.open, false), (s.close, true)] {
        if !valid(time, is_close) {
            errors.push(HoursError::BadTime { day, span, time });
        } else if time.1 % 5 != 0 {
            errors.push(HoursError::NotOnFive { day, span, time });
        }
    }
    // 00:00–24:00 is a whole day; only the same time written twice is refused.
    if errors.is_empty() && s.open == s.close {
        errors.push(HoursError::CloseEqualsOpen { day, span });
    }
    errors
}

/// "Mo-Fr", "Sa,Su", "Mo,We,Fr", "Mo-We,Fr" for sorted day indices.
fn osm_days(days: &[usize]) -> String {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &d in days {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == d => *end = d,
            _ => runs.push((d, d)),
        }
    }
    let parts: Vec<String> = runs
        .iter()
        .map(|&(start, end)| match end - start {
            0 => OSM_DAYS[start].to_string(),
            1 => format!("{},{}", OSM_DAYS[start], OSM_DAYS[end]),
            _ => format!("{}-{}", OSM_DAYS[start], OSM_DAYS[end]),
        })
        .collect();
    parts.join(",")
}

fn day_index(s: &str) -> Option<usize> {
    OSM_DAYS.iter().position(|&d| d == s)
}

/// "Mo-We,Fr" → [0, 1, 2, 4]; ranges do not wrap past Sunday (to_osm never writes that).
fn parse_days(text: &str) -> Option<Vec<usize>> {
    let mut days = Vec::new();
    for part in text.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (day_index(a)?, day_index(b)?);
                if a >= b {
                    return None;
                }
                days.extend(a..=b);
            }
            None => days.push(day_index(part)?),
        }
    }
    Some(days)
}

/// "22:00-02:00"; "24:00" only as the closing time.
fn parse_span(text: &str) -> Option<Span> {
    let (open, close) = text.split_once('-')?;
    let open = parse_time(open)?;
    let close = parse_time(close)?;
    (open.0 < 24).then_some(Span { open, close })
}

fn parse_time(text: &str) -> Option<(u8, u8)> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !(h.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u8, u8) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h, m) == (24, 0))).then_some((h, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(open: (u8, u8), close: (u8, u8)) -> Span {
        Span::new(open, close)
    }

    fn week(days: [&[Span]; 7]) -> WeeklyHours {
        WeeklyHours {
            open_24h: false,
            days: days.map(<[Span]>::to_vec),
        }
    }

    const NONE: &[Span] = &[];

    #[test]
    fn weekdays_and_weekend_with_a_lunch_break() {
        let day = &[span((7, 0), (19, 0))][..];
        let weekend = &[span((8, 0), (12, 0)), span((14, 0), (18, 0))][..];
        let h = week([day, day, day, day, day, weekend, weekend]);
        assert_eq!(h.check(), Ok(()));
        let text = h.to_osm().unwrap();
        assert_eq!(text, "Mo-Fr 07:00-19:00; Sa,Su 08:00-12:00,14:00-18:00");
        assert_eq!(WeeklyHours::from_osm(&text), Some(h));
    }

    #[test]
    fn single_days_lists_and_mixed_runs() {
        let s = &[span((9, 0), (17, 0))][..];
        let t = &[span((10, 0), (12, 0))][..];
        assert_eq!(
            week([NONE, NONE, s, NONE, NONE, NONE, NONE])
                .to_osm()
                .unwrap(),
            "We 09:00-17:00"
        );
        assert_eq!(
            week([s, t, s, NONE, s, NONE, NONE]).to_osm().unwrap(),
            "Mo,We,Fr 09:00-17:00; Tu 10:00-12:00"
        );
        assert_eq!(
            week([s, s, s, NONE, s, NONE, NONE]).to_osm().unwrap(),
            "Mo-We,Fr 09:00-17:00"
        );
        assert_eq!(week([s; 7]).to_osm().unwrap(), "Mo-Su 09:00-17:00");
    }

    #[test]
    fn spans_are_written_in_time_order() {
        let h = week([
            &[span((14, 0), (18, 0)), span((8, 0), (12, 0))],
            NONE,
            NONE,
            NONE,
            NONE,
            NONE,
            NONE,
        ]);
        assert_eq!(h.to_osm().unwrap(), "Mo 08:00-12:00,14:00-18:00");
    }

    #[test]
    fn past_midnight_into_a_day_without_its_own_rule_keeps_the_normal_separator() {
        let late = &[span((22, 0), (2, 0))][..];
        let day = &[span((10, 0), (18, 0))][..];
        // Saturday's span runs into Sunday, which is closed; Friday's into Saturday, which is
        // the same rule.
        let h = week([day, NONE, NONE, NONE, late, late, NONE]);
        assert_eq!(h.check(), Ok(()));
        let text = h.to_osm().unwrap();
        assert_eq!(text, "Mo 10:00-18:00; Fr,Sa 22:00-02:00");
        assert_eq!(WeeklyHours::from_osm(&text), Some(h));
    }

    #[test]
    fn past_midnight_into_another_rule_uses_additional_rules() {
        let day = &[span((10, 0), (22, 0))][..];
        let late = &[span((10, 0), (2, 0))][..];
        let h = week([day, day, day, day, late, late, day]);
        let text = h.to_osm().unwrap();
        assert_eq!(text, "Mo-Th,Su 10:00-22:00, Fr,Sa 10:00-02:00");
        assert_eq!(WeeklyHours::from_osm(&text), Some(h));
    }

    #[test]
    fn midnight_as_closing_time_is_written_24_00() {
        let h = week([&[span((8, 0), (0, 0))]; 7]);
        assert_eq!(h.check(), Ok(()));
        assert_eq!(h.to_osm().unwrap(), "Mo-Su 08:00-24:00");
        let back = WeeklyHours::from_osm("Mo-Su 08:00-24:00").unwrap();
        assert_eq!(back.days[0], vec![span((8, 0), (24, 0))]);
        assert_eq!(back.to_osm().unwrap(), "Mo-Su 08:00-24:00");
        // A whole day is not "close equals open".
        let whole = week([&[span((0, 0), (24, 0))], NONE, NONE, NONE, NONE, NONE, NONE]);
        assert_eq!(whole.check(), Ok(()));
        assert_eq!(whole.to_osm().unwrap(), "Mo 00:00-24:00");
    }

    #[test]
    fn open_24h_and_no_hours() {
        let mut h = week([NONE; 7]);
        assert!(h.is_empty());
        assert_eq!(h.to_osm(), None);
        h.open_24h = true;
        assert!(!h.is_empty());
        assert_eq!(h.to_osm().as_deref(), Some("24/7"));
        assert_eq!(WeeklyHours::from_osm("24/7"), Some(h));
    }

    #[test]
    fn from_osm_reads_only_what_the_editor_can_show() {
        let every_day = WeeklyHours::from_osm("08:00-20:00").unwrap();
        assert_eq!(every_day.to_osm().unwrap(), "Mo-Su 08:00-20:00");
        for text in [
            "",
            "Mo-Fr 08:00-18:00; PH off",
            "Mo-Fr 08:00-18:00 off",
            "Jan-Mar Mo 08:00-12:00",
            "Mo-Fr 08:00-18:00; Fr 09:00-10:00",
            "Su-Mo 08:00-12:00",
            "Mo 08:03-12:00",
            "Mo 8:00-12:00",
            "Mo 08:00-12:00,11:00-13:00",
            "Mo 08:00-09:00,10:00-11:00,12:00-13:00,14:00-15:00",
            "Mo 24:00-02:00",
            "sunrise-sunset",
        ] {
            assert_eq!(WeeklyHours::from_osm(text), None, "{text}");
        }
    }

    #[test]
    fn a_span_must_not_close_when_it_opens() {
        let h = week([&[span((8, 0), (8, 0))], NONE, NONE, NONE, NONE, NONE, NONE]);
        let errors = h.check().unwrap_err();
        assert_eq!(
            errors,
            vec![HoursError::CloseEqualsOpen { day: 0, span: 0 }]
        );
        assert_eq!(errors[0].field(), "hours.days[0][0]");
        assert_eq!(
            errors[0].message_zh(),
            "周一第 1 段：关门时间与开门时间相同"
        );
        assert_eq!(
            errors[0].message_en(),
            "Monday, span 1: closing time equals opening time"
        );
    }

    #[test]
    fn times_must_exist_and_sit_on_five_minutes() {
        let h = week([
            NONE,
            &[span((8, 3), (12, 0)), span((25, 0), (24, 30))],
            NONE,
            NONE,
            NONE,
            NONE,
            NONE,
        ]);
        let errors = h.check().unwrap_err();
        assert_eq!(
            errors,
            vec![
                HoursError::NotOnFive {
                    day: 1,
                    span: 0,
                    time: (8, 3)
                },
                HoursError::BadTime {
                    day: 1,
                    span: 1,
                    time: (25, 0)
                },
                HoursError::BadTime {
                    day: 1,
                    span: 1,
                    time: (24, 30)
                },
            ]
        );
        assert_eq!(errors[0].message_zh(), "周二第 1 段：08:03 请按 5 分钟取整");
        assert_eq!(errors[1].message_zh(), "周二第 2 段：时间 25:00 无效");
    }

    #[test]
    fn at_most_three_spans_a_day() {
        let four = [
            span((6, 0), (7, 0)),
            span((8, 0), (9, 0)),
            span((10, 0), (11, 0)),
            span((12, 0), (13, 0)),
        ];
        let h = week([NONE, NONE, &four, NONE, NONE, NONE, NONE]);
        let errors = h.check().unwrap_err();
        assert_eq!(errors, vec![HoursError::TooManySpans { day: 2, count: 4 }]);
        assert_eq!(errors[0].field(), "hours.days[2]");
        assert_eq!(errors[0].message_zh(), "周三最多填 3 个时段，现在有 4 个");
    }

    #[test]
    fn overlapping_spans_name_both() {
        // Given out of order: span 0 (11:00–14:00) overlaps span 1 (08:00–12:00).
        let h = week([
            NONE,
            NONE,
            NONE,
            &[span((11, 0), (14, 0)), span((8, 0), (12, 0))],
            NONE,
            NONE,
            NONE,
        ]);
        let errors = h.check().unwrap_err();
        assert_eq!(
            errors,
            vec![HoursError::Overlap {
                day: 3,
                span: 0,
                other_day: 3,
                other_span: 1
            }]
        );
        assert_eq!(errors[0].message_zh(), "周四第 1 段：与第 2 段时间重叠");
        // A long span swallowing two short ones: both are reported.
        let h = week([
            &[
                span((8, 0), (20, 0)),
                span((9, 0), (10, 0)),
                span((11, 0), (12, 0)),
            ],
            NONE,
            NONE,
            NONE,
            NONE,
            NONE,
            NONE,
        ]);
        assert_eq!(h.check().unwrap_err().len(), 2);
        // Touching spans do not overlap.
        let h = week([
            &[span((8, 0), (12, 0)), span((12, 0), (18, 0))],
            NONE,
            NONE,
            NONE,
            NONE,
            NONE,
            NONE,
        ]);
        assert_eq!(h.check(), Ok(()));
    }

    #[test]
    fn a_span_past_midnight_overlaps_the_next_mornings_hours() {
        let h = week([
            &[span((2, 0), (8, 0))],
            NONE,
            NONE,
            NONE,
            NONE,
            NONE,
            &[span((22, 0), (3, 0))],
        ]);
        let errors = h.check().unwrap_err();
        assert_eq!(
            errors,
            vec![HoursError::Overlap {
                day: 0,
                span: 0,
                other_day: 6,
                other_span: 0
            }]
        );
        assert_eq!(
            errors[0].message_zh(),
            "周一第 1 段：与周日第 1 段（营业到次日）时间重叠"
        );
        let touching = week([
            &[span((2, 0), (8, 0))],
            NONE,
            NONE,
            NONE,
            NONE,
            NONE,
            &[span((22, 0), (2, 0))],
        ]);
        assert_eq!(touching.check(), Ok(()));
    }

    #[test]
    fn open_24h_ignores_the_days() {
        let mut h = week([&[span((8, 0), (8, 0))], NONE, NONE, NONE, NONE, NONE, NONE]);
        h.open_24h = true;
        assert_eq!(h.check(), Ok(()));
    }

    #[test]
    fn the_wire_form_is_plain_json() {
        let h = week([
            &[span((8, 0), (18, 30))],
            NONE,
            NONE,
            NONE,
            NONE,
            NONE,
            NONE,
        ]);
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(
            json,
            r#"{"open_24h":false,"days":[[{"open":[8,0],"close":[18,30]}],[],[],[],[],[],[]]}"#
        );
        assert_eq!(serde_json::from_str::<WeeklyHours>(&json).unwrap(), h);
        let extra = r#"{"open_24h":false,"days":[[],[],[],[],[],[],[]],"x":1}"#;
        assert!(serde_json::from_str::<WeeklyHours>(extra).is_err());
        let six_days = r#"{"open_24h":false,"days":[[],[],[],[],[],[]]}"#;
        assert!(serde_json::from_str::<WeeklyHours>(six_days).is_err());
    }
}
