//! Open now, in words and a symbol (never colour alone): "营业中 · 21:00 关门", "即将关门",
//! "已关门 · 明天 07:00 开门", "营业时间未知". Times are the phone's local time; the state itself
//! comes from the server's intervals (`domain::open_state`).

use super::i18n::{is_en, tr, trf};
use crate::domain::OpenState;

/// A local time: days since 1970-01-01 (local), hour, minute.
pub type Local = (i64, u32, u32);

#[derive(Debug, Clone, PartialEq)]
pub struct OpenLook {
    /// open | soon | closed | unknown — for CSS and the tests.
    pub code: &'static str,
    /// A symbol that carries the state without colour.
    pub icon: &'static str,
    /// For list rows: "营业中".
    pub short: &'static str,
    /// For the card: "营业中 · 21:00 关门".
    pub long: String,
}

fn hhmm((_, h, m): Local) -> String {
    format!("{h:02}:{m:02}")
}

/// "" today, "明天" tomorrow, else the weekday.
fn day_word(now: Local, then: Local) -> String {
    match then.0 - now.0 {
        0 => String::new(),
        1 => tr("明天 ", "tomorrow ").to_string(),
        _ => {
            // 1970-01-01 was a Thursday.
            let wd = (then.0 + 4).rem_euclid(7) as usize;
            let zh = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];
            let en = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
            format!("{} ", if is_en() { en[wd] } else { zh[wd] })
        }
    }
}

pub fn look(state: OpenState, now: i64, local: impl Fn(i64) -> Local) -> OpenLook {
    let today = local(now);
    match state {
        OpenState::Open { closes_at } => OpenLook {
            code: "open",
            icon: "●",
            short: tr("营业中", "Open"),
            long: match closes_at {
                Some(t) => {
                    let (day, at) = (day_word(today, local(t)), hhmm(local(t)));
                    trf!("营业中 · {day}{at} 关门", "Open · closes {day}{at}")
                }
                None => tr("营业中", "Open now").to_string(),
            },
        },
        OpenState::ClosesSoon { closes_at } => {
            let at = hhmm(local(closes_at));
            OpenLook {
                code: "soon",
                icon: "◐",
                short: tr("即将关门", "Closes soon"),
                long: trf!("即将关门 · {at} 关门", "Closes soon · at {at}"),
            }
        }
        OpenState::Closed { opens_at } => OpenLook {
            code: "closed",
            icon: "○",
            short: tr("已关门", "Closed"),
            long: match opens_at {
                Some(t) => {
                    let (day, at) = (day_word(today, local(t)), hhmm(local(t)));
                    trf!("已关门 · {day}{at} 开门", "Closed · opens {day}{at}")
                }
                None => tr(
                    "已关门 · 近期不营业",
                    "Closed · not open in the coming days",
                )
                .to_string(),
            },
        },
        OpenState::Unknown => OpenLook {
            code: "unknown",
            icon: "?",
            short: "",
            long: tr("营业时间未知", "Hours unknown").to_string(),
        },
    }
}

/// The phone's local time of a Unix second.
pub fn device_local(t: i64) -> Local {
    let d = js_sys::Date::new(&((t as f64) * 1000.0).into());
    // getTimezoneOffset: minutes from local time to UTC.
    let local = t - (d.get_timezone_offset() as i64) * 60;
    let secs = local.rem_euclid(86_400);
    (
        local.div_euclid(86_400),
        (secs / 3600) as u32,
        ((secs % 3600) / 60) as u32,
    )
}

/// The phone's clock, Unix seconds.
pub fn now_s() -> i64 {
    (js_sys::Date::now() / 1000.0).floor() as i64
}

/// The phone's local date, YYYY-MM-DD (what the server computes hours around).
pub fn local_date(t: i64) -> String {
    let d = js_sys::Date::new(&((t as f64) * 1000.0).into());
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// UTC+8 without DST, like Shanghai.
    fn shanghai(t: i64) -> Local {
        let l = t + 8 * 3600;
        let s = l.rem_euclid(86_400);
        (
            l.div_euclid(86_400),
            (s / 3600) as u32,
            ((s % 3600) / 60) as u32,
        )
    }

    // 2026-11-23 (a Monday) 09:00 in Shanghai.
    const MON_9: i64 = 1_795_395_600;

    #[test]
    fn days_and_weekdays() {
        assert_eq!(shanghai(MON_9), (20_780, 9, 0));
        assert_eq!((20_780 + 4) % 7, 1, "a Monday");
    }

    #[test]
    fn words_for_each_state() {
        let open = look(
            OpenState::Open {
                closes_at: Some(MON_9 + 12 * 3600),
            },
            MON_9,
            shanghai,
        );
        assert_eq!(
            (open.code, open.long.as_str()),
            ("open", "营业中 · 21:00 关门")
        );
        let late = look(
            OpenState::Open {
                closes_at: Some(MON_9 + 17 * 3600 + 30 * 60),
            },
            MON_9,
            shanghai,
        );
        assert_eq!(late.long, "营业中 · 明天 02:30 关门");
        let soon = look(
            OpenState::ClosesSoon {
                closes_at: MON_9 + 20 * 60,
            },
            MON_9,
            shanghai,
        );
        assert_eq!(
            (soon.code, soon.long.as_str()),
            ("soon", "即将关门 · 09:20 关门")
        );
        let tomorrow = look(
            OpenState::Closed {
                opens_at: Some(MON_9 + 22 * 3600),
            },
            MON_9,
            shanghai,
        );
        assert_eq!(tomorrow.long, "已关门 · 明天 07:00 开门");
        let thursday = look(
            OpenState::Closed {
                opens_at: Some(MON_9 + 3 * 86_400 - 3600),
            },
            MON_9,
            shanghai,
        );
        assert_eq!(thursday.long, "已关门 · 周四 08:00 开门");
        let later_today = look(
            OpenState::Closed {
                opens_at: Some(MON_9 + 3600),
            },
            MON_9,
            shanghai,
        );
        assert_eq!(later_today.long, "已关门 · 10:00 开门");
        let unknown = look(OpenState::Unknown, MON_9, shanghai);
        assert_eq!((unknown.short, unknown.long.as_str()), ("", "营业时间未知"));
        assert_eq!(
            look(OpenState::Open { closes_at: None }, MON_9, shanghai).long,
            "营业中"
        );
    }
}
