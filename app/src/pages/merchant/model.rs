//! The listing editor's state as typed, shared by the registration form and the owner's page:
//! prices as the merchant writes them (yuan text), the chain switch and the pin apart from the
//! `Registration` the server takes. Pure, so the conversions and the draft are unit-tested.

use crate::domain::merchant::{FieldError, Registration, Span, WeeklyHours};
use crate::domain::outlet::PriceItem;
use crate::ui::i18n::tr;
use serde::{Deserialize, Serialize};

/// Where a registration's draft is kept on this phone (text only, never the photos).
pub const DRAFT_KEY: &str = "bianmin.merchant.draft";

/// One price line as typed: "配钥匙", "10".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PriceRow {
    pub item: String,
    pub yuan: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormState {
    pub name: String,
    pub category: String,
    pub repair_kinds: Vec<String>,
    pub prices: Vec<PriceRow>,
    pub services: Vec<String>,
    /// The pin, lon/lat; `None` until the map has placed it.
    pub pin: Option<[f64; 2]>,
    pub address: String,
    pub phone: String,
    pub hours: WeeklyHours,
    pub chain: bool,
    pub brand: String,
    pub delivers: bool,
    pub credit_code: String,
}

/// Hours a new form starts with: every day 08:00–20:00, shown and changeable (most stalls keep
/// one span a day, so this is the fewest taps to the right answer).
fn usual_hours() -> WeeklyHours {
    let day = vec![Span::new((8, 0), (20, 0))];
    WeeklyHours {
        open_24h: false,
        days: std::array::from_fn(|_| day.clone()),
    }
}

impl Default for FormState {
    fn default() -> Self {
        FormState {
            name: String::new(),
            category: String::new(),
            repair_kinds: Vec::new(),
            prices: vec![PriceRow::default()],
            services: Vec::new(),
            pin: None,
            address: String::new(),
            phone: String::new(),
            hours: usual_hours(),
            chain: false,
            brand: String::new(),
            delivers: false,
            credit_code: String::new(),
        }
    }
}

/// "10", "2.5", "0.50", "１２元" → fen. `None` for anything that is not a plain amount with at
/// most two decimals (the domain then checks the range).
pub fn parse_yuan(text: &str) -> Option<u32> {
    // Full-width digits and a trailing 元 are what a Chinese keyboard gives.
    let t: String = text
        .trim()
        .trim_end_matches('元')
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' | '。' => '.',
            c => c,
        })
        .collect();
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, f),
        None => (t.as_str(), ""),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() && frac.is_empty()
        || !digits(whole)
        || !digits(frac)
        || frac.len() > 2
        || whole.len() > 7
    {
        return None;
    }
    let whole: u32 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac: u32 = format!("{frac:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(frac)
}

/// Fen as the merchant would type it: 1000 → "10", 250 → "2.5", 5 → "0.05".
pub fn yuan_text(fen: u32) -> String {
    let (y, f) = (fen / 100, fen % 100);
    match f {
        0 => y.to_string(),
        f if f % 10 == 0 => format!("{y}.{}", f / 10),
        f => format!("{y}.{f:02}"),
    }
}

fn field_error(field: String, zh: String, en: String) -> FieldError {
    FieldError { field, zh, en }
}

impl FormState {
    /// Whether `category` is the repair points' (from the rules' repair map).
    pub fn is_repair(&self, repair_category: &str) -> bool {
        self.category == repair_category
    }

    /// The registration to send, or the problems only this form can see (a price that is no
    /// amount, no pin); everything else the domain's `Registration::check` reports.
    pub fn to_registration(&self, repair_category: &str) -> Result<Registration, Vec<FieldError>> {
        let mut errors = Vec::new();
        let repair = self.is_repair(repair_category);
        let mut prices = Vec::new();
        if repair {
            // Blank rows are the "add a line" the merchant did not use.
            for (i, row) in self
                .prices
                .iter()
                .enumerate()
                .filter(|(_, r)| !(r.item.trim().is_empty() && r.yuan.trim().is_empty()))
            {
                let line = i + 1;
                match parse_yuan(&row.yuan) {
                    Some(fen) => prices.push(PriceItem {
                        item: row.item.clone(),
                        price_fen: fen,
                    }),
                    None => errors.push(field_error(
                        format!("prices[{i}].price_fen"),
                        if row.yuan.trim().is_empty() {
                            format!("价目表第 {line} 行：请填写价格（元）")
                        } else {
                            format!(
                                "价目表第 {line} 行：价格“{}”不是金额，请写成 10 或 2.5",
                                row.yuan.trim()
                            )
                        },
                        format!("price line {line}: enter the price in yuan, e.g. 10 or 2.5"),
                    )),
                }
            }
        }
        let Some([lon, lat]) = self.pin else {
            errors.push(field_error(
                "lon".into(),
                "请在地图上放好店铺的位置".into(),
                "place the shop on the map".into(),
            ));
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Registration {
            name: self.name.clone(),
            category: self.category.clone(),
            repair_kinds: if repair {
                self.repair_kinds.clone()
            } else {
                Vec::new()
            },
            prices,
            services: self.services.clone(),
            lon,
            lat,
            address: self.address.clone(),
            phone: self.phone.clone(),
            hours: self.hours.clone(),
            brand: self.chain.then(|| self.brand.clone()),
            delivers: self.delivers,
            credit_code: self.credit_code.clone(),
        })
    }

    /// The editor's state for a stored listing (the owner's page starts from it).
    pub fn from_registration(r: &Registration) -> FormState {
        let mut prices: Vec<PriceRow> = r
            .prices
            .iter()
            .map(|p| PriceRow {
                item: p.item.clone(),
                yuan: yuan_text(p.price_fen),
            })
            .collect();
        if prices.is_empty() {
            prices.push(PriceRow::default());
        }
        FormState {
            name: r.name.clone(),
            category: r.category.clone(),
            repair_kinds: r.repair_kinds.clone(),
            prices,
            services: r.services.clone(),
            pin: Some([r.lon, r.lat]),
            address: r.address.clone(),
            phone: r.phone.clone(),
            hours: r.hours.clone(),
            chain: r.brand.is_some(),
            brand: r.brand.clone().unwrap_or_default(),
            delivers: r.delivers,
            credit_code: r.credit_code.clone(),
        }
    }

    pub fn to_draft(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A saved draft; `None` for nothing usable (an older shape, a broken write).
    pub fn from_draft(text: &str) -> Option<FormState> {
        serde_json::from_str(text).ok()
    }
}

/// Adds `code` if missing, removes it if there (a chip tapped).
pub fn toggle(codes: &mut Vec<String>, code: &str) {
    if let Some(i) = codes.iter().position(|c| c == code) {
        codes.remove(i);
    } else {
        codes.push(code.to_string());
    }
}

/// The errors that belong to the field shown as `prefix` ("phone", "prices", "hours"): the
/// field itself and anything below it ("prices[2].item", "hours.days[0][1]").
pub fn errors_for(errors: &[FieldError], prefix: &str) -> Vec<String> {
    errors
        .iter()
        .filter(|e| {
            e.field == prefix
                || e.field
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('[') || rest.starts_with('.'))
        })
        .map(|e| crate::ui::i18n::pick(&e.zh, &e.en).to_string())
        .collect()
}

/// The form's sections in page order, each with the error prefixes it shows; the first
/// section with an error gets the focus.
pub const SECTIONS: &[(&str, &[&str])] = &[
    ("f-name", &["name"]),
    ("f-category", &["category"]),
    ("f-repair", &["repair_kinds"]),
    ("f-prices", &["prices"]),
    ("f-services", &["services"]),
    ("f-position", &["lon", "lat"]),
    ("f-address", &["address"]),
    ("f-phone", &["phone"]),
    ("f-hours", &["hours"]),
    ("f-brand", &["brand"]),
    ("f-credit", &["credit_code"]),
];

/// The element id of the first section with an error.
pub fn first_error_section(errors: &[FieldError]) -> Option<&'static str> {
    SECTIONS
        .iter()
        .find(|(_, prefixes)| prefixes.iter().any(|p| !errors_for(errors, p).is_empty()))
        .map(|(id, _)| *id)
}

/// The changes that wait for review ("name", "position", …) in words: "店名、位置".
pub fn change_names(changes: &[impl AsRef<str>]) -> String {
    changes
        .iter()
        .map(|c| match c.as_ref() {
            "name" => tr("店名", "name"),
            "category" => tr("类别", "category"),
            "position" => tr("位置", "position"),
            "credit_code" => tr("信用代码", "credit code"),
            _ => tr("其他", "other"),
        })
        .collect::<Vec<_>>()
        .join(tr("、", ", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_parses_as_typed_on_a_phone() {
        assert_eq!(parse_yuan("10"), Some(1000));
        assert_eq!(parse_yuan(" 2.5 "), Some(250));
        assert_eq!(parse_yuan("0.05"), Some(5));
        assert_eq!(parse_yuan(".5"), Some(50));
        assert_eq!(parse_yuan("80元"), Some(8000));
        assert_eq!(parse_yuan("１２．５"), Some(1250));
        assert_eq!(parse_yuan(""), None);
        assert_eq!(parse_yuan("十元"), None);
        assert_eq!(parse_yuan("1.234"), None);
        assert_eq!(parse_yuan("-3"), None);
        assert_eq!(parse_yuan("1e3"), None);
        assert_eq!(parse_yuan("99999999"), None);
    }

    #[test]
    fn yuan_text_round_trips() {
        for fen in [1, 5, 50, 99, 100, 250, 1000, 1005, 8000, 1_000_000] {
            assert_eq!(parse_yuan(&yuan_text(fen)), Some(fen), "{fen}");
        }
        assert_eq!(yuan_text(250), "2.5");
        assert_eq!(yuan_text(1000), "10");
    }

    fn key_stall() -> FormState {
        FormState {
            name: "老王配钥匙".into(),
            category: "repair".into(),
            repair_kinds: vec!["keys".into()],
            prices: vec![
                PriceRow {
                    item: "配钥匙".into(),
                    yuan: "10".into(),
                },
                PriceRow::default(),
                PriceRow {
                    item: "开锁".into(),
                    yuan: "80".into(),
                },
            ],
            pin: Some([121.44, 31.245]),
            address: "长寿路 100 号".into(),
            phone: "13812345678".into(),
            credit_code: "91350100M000100Y43".into(),
            ..FormState::default()
        }
    }

    #[test]
    fn blank_price_rows_are_left_out_and_others_become_fen() {
        let r = key_stall().to_registration("repair").unwrap();
        assert_eq!(r.prices.len(), 2);
        assert_eq!(r.prices[1].item, "开锁");
        assert_eq!(r.prices[1].price_fen, 8000);
        assert_eq!(r.brand, None);
        assert_eq!((r.lon, r.lat), (121.44, 31.245));
    }

    #[test]
    fn a_bad_price_is_named_by_its_line() {
        let mut f = key_stall();
        f.prices[2].yuan = "八十".into();
        let e = f.to_registration("repair").unwrap_err();
        assert_eq!(e[0].field, "prices[2].price_fen");
        assert!(e[0].zh.contains("第 3 行"), "{}", e[0].zh);
        assert_eq!(errors_for(&e, "prices").len(), 1);
        assert_eq!(first_error_section(&e), Some("f-prices"));
    }

    #[test]
    fn other_categories_send_no_repair_kinds_or_prices() {
        let mut f = key_stall();
        f.category = "breakfast".into();
        f.chain = true;
        f.brand = "早餐连锁".into();
        let r = f.to_registration("repair").unwrap();
        assert!(r.repair_kinds.is_empty() && r.prices.is_empty());
        assert_eq!(r.brand.as_deref(), Some("早餐连锁"));
    }

    #[test]
    fn no_pin_is_an_error_at_the_map() {
        let mut f = key_stall();
        f.pin = None;
        let e = f.to_registration("repair").unwrap_err();
        assert_eq!(first_error_section(&e), Some("f-position"));
    }

    #[test]
    fn the_draft_and_a_stored_listing_round_trip() {
        let f = key_stall();
        assert_eq!(FormState::from_draft(&f.to_draft()), Some(f.clone()));
        assert_eq!(FormState::from_draft("{\"name\":1}"), None);
        let r = f.to_registration("repair").unwrap();
        let back = FormState::from_registration(&r);
        assert_eq!(back.to_registration("repair").unwrap(), r);
    }

    #[test]
    fn errors_match_their_field_and_below_only() {
        let e = vec![
            field_error("phone".into(), "a".into(), "a".into()),
            field_error("hours.days[0][1]".into(), "b".into(), "b".into()),
            field_error("phones".into(), "c".into(), "c".into()),
        ];
        assert_eq!(errors_for(&e, "phone"), vec!["a".to_string()]);
        assert_eq!(errors_for(&e, "hours"), vec!["b".to_string()]);
        assert_eq!(first_error_section(&e), Some("f-phone"));
    }

    #[test]
    fn toggling_adds_then_removes() {
        let mut c = vec![];
        toggle(&mut c, "keys");
        toggle(&mut c, "shoes");
        toggle(&mut c, "keys");
        assert_eq!(c, vec!["shoes".to_string()]);
    }
}
