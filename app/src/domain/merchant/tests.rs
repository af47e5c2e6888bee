//! The registration as a whole: a key-cutting stall that passes, and each field's refusal.

use super::*;
use crate::domain::outlet::{Outlet, OutletSource, PriceItem};
use crate::domain::rules::Rules;
use serde_json::json;

/// A constructed (not registered) 个体工商户 code in 上海普陀 (310107): Σ over the first 17
/// characters = 1282 = 31×41 + 11 → 31 − 11 = 20 → 'L'.
const STALL_CODE: &str = "92310107MA1K00012L";

fn mo_sa_8_to_18() -> WeeklyHours {
    let mut hours = WeeklyHours::default();
    for day in &mut hours.days[..6] {
        day.push(Span::new((8, 0), (18, 0)));
    }
    hours
}

fn price(item: &str, price_fen: u32) -> PriceItem {
    PriceItem {
        item: item.into(),
        price_fen,
    }
}

fn key_stall() -> Registration {
    Registration {
        name: "老李配钥匙".into(),
        category: "repair".into(),
        repair_kinds: vec!["key".into()],
        prices: vec![price("配普通钥匙", 500), price("配防盗门钥匙", 1500)],
        services: vec![],
        lon: 121.4437,
        lat: 31.2475,
        address: "普陀区昌化路 123 号门口".into(),
        phone: "138 0013 8000".into(),
        hours: mo_sa_8_to_18(),
        brand: None,
        delivers: false,
        credit_code: STALL_CODE.into(),
    }
}

/// The fields of the errors, in order.
fn fields_of(r: &Registration) -> Vec<String> {
    r.check(&Rules::bundled())
        .unwrap_err()
        .into_iter()
        .map(|e| e.field)
        .collect()
}

/// The single error of a registration with one problem.
fn only_error(r: &Registration) -> FieldError {
    let mut errors = r.check(&Rules::bundled()).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors.remove(0)
}

#[test]
fn a_key_cutting_stall_with_a_price_list_becomes_a_merchant_outlet() {
    let rules = Rules::bundled();
    let checked = key_stall().check(&rules).unwrap();
    assert_eq!(checked.opening_hours(), "Mo-Sa 08:00-18:00");
    assert_eq!(checked.credit_code().as_str(), STALL_CODE);
    assert_eq!(checked.phone().tel_uri(), "tel:+8613800138000");
    let outlet = checked.to_outlet();
    assert_eq!(
        outlet,
        Outlet {
            name: Some("老李配钥匙".into()),
            name_en: None,
            category: "repair".into(),
            repair_kinds: vec!["key".into()],
            services: vec![],
            prices: vec![price("配普通钥匙", 500), price("配防盗门钥匙", 1500)],
            opening_hours: Some("Mo-Sa 08:00-18:00".into()),
            phone: Some("138 0013 8000".into()),
            address: Some("普陀区昌化路 123 号门口".into()),
            brand: None,
            delivers: Some(false),
            open_24h: false,
            source: OutletSource::Merchant,
            osm_ref: None,
            lon: 121.4437,
            lat: 31.2475,
        }
    );
    assert_eq!(outlet.validate(&rules), Ok(()));
}

#[test]
fn the_form_json_is_read_strictly() {
    let body = json!({
        "name": "老李配钥匙",
        "category": "repair",
        "repair_kinds": ["key"],
        "prices": [{"item": "配普通钥匙", "price_fen": 500}, {"item": "配防盗门钥匙", "price_fen": 1500}],
        "lon": 121.4437,
        "lat": 31.2475,
        "address": "普陀区昌化路 123 号门口",
        "phone": "138 0013 8000",
        "hours": {"open_24h": false, "days": [
            [{"open": [8, 0], "close": [18, 0]}], [{"open": [8, 0], "close": [18, 0]}],
            [{"open": [8, 0], "close": [18, 0]}], [{"open": [8, 0], "close": [18, 0]}],
            [{"open": [8, 0], "close": [18, 0]}], [{"open": [8, 0], "close": [18, 0]}], []
        ]},
        "delivers": false,
        "credit_code": STALL_CODE
    });
    let r: Registration = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(r, key_stall());

    let refused = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut b = body.clone();
        edit(&mut b);
        serde_json::from_value::<Registration>(b).is_err()
    };
    assert!(refused(&|b| b["approved"] = json!(true)));
    assert!(refused(&|b| b["prices"][0]["discount"] = json!(100)));
    assert!(refused(&|b| b["hours"]["note"] = json!("")));
    assert!(refused(&|b| b["prices"][0]["price_fen"] = json!("5元")));
    assert!(refused(&|b| b["prices"][0]["price_fen"] = json!(-1)));
    assert!(refused(&|b| b["delivers"] = json!("no")));
    assert!(refused(&|b| {
        b.as_object_mut().unwrap().remove("credit_code");
    }));
}

#[test]
fn every_problem_is_reported_at_once() {
    let r = Registration {
        name: " ".into(),
        category: "casino".into(),
        lon: 181.0,
        phone: "123".into(),
        hours: WeeklyHours::default(),
        credit_code: "91350100M000100Y44".into(),
        ..key_stall()
    };
    assert_eq!(
        fields_of(&r),
        [
            "name",
            "category",
            "repair_kinds",
            "lon",
            "phone",
            "hours",
            "credit_code"
        ]
    );
}

#[test]
fn name_is_required_short_and_single_line() {
    let e = only_error(&Registration {
        name: "   ".into(),
        ..key_stall()
    });
    assert_eq!((e.field.as_str(), e.zh.as_str()), ("name", "请填写店名"));
    assert_eq!(e.en, "please enter the shop name");
    let e = only_error(&Registration {
        name: "钥".repeat(41),
        ..key_stall()
    });
    assert_eq!(e.zh, "店名太长：最多 40 个字，现在 41 个");
    assert!(key_stall_with(|r| r.name = "钥".repeat(40)).is_ok());
    let e = only_error(&Registration {
        name: "老李\n配钥匙".into(),
        ..key_stall()
    });
    assert_eq!(e.zh, "店名里有换行或不可见的控制字符，请删除");
}

fn key_stall_with(
    edit: impl FnOnce(&mut Registration),
) -> Result<CheckedRegistration, Vec<FieldError>> {
    let mut r = key_stall();
    edit(&mut r);
    r.check(&Rules::bundled())
}

#[test]
fn category_and_repair_kinds_come_from_the_rules() {
    let e = only_error(&Registration {
        category: "casino".into(),
        prices: vec![],
        repair_kinds: vec![],
        ..key_stall()
    });
    assert_eq!(e.field, "category");
    assert_eq!(e.zh, "未知的业态类别“casino”");
    let e = only_error(&Registration {
        category: "pharmacy".into(),
        ..key_stall()
    });
    assert_eq!(e.field, "repair_kinds");
    assert_eq!(e.zh, "只有小修小补类网点可以填写维修项目");
    let e = only_error(&Registration {
        repair_kinds: vec!["key".into(), "spaceship".into()],
        ..key_stall()
    });
    assert_eq!(e.field, "repair_kinds[1]");
    assert_eq!(e.zh, "未知的维修项目“spaceship”");
    let e = only_error(&Registration {
        services: vec!["print_copy".into(), "massage".into()],
        ..key_stall()
    });
    assert_eq!(e.field, "services[1]");
    assert_eq!(e.en, "unknown service 'massage'");
}

#[test]
fn a_repair_point_shows_its_prices() {
    let e = only_error(&Registration {
        prices: vec![],
        ..key_stall()
    });
    assert_eq!(e.field, "prices");
    assert_eq!(e.zh, "维修网点须明码标价：请至少填写一项价格");
    // Other categories may leave the list empty.
    assert!(key_stall_with(|r| {
        r.category = "breakfast".into();
        r.repair_kinds.clear();
        r.prices.clear();
    })
    .is_ok());
}

#[test]
fn price_lines_are_bounded() {
    let e = only_error(&Registration {
        prices: vec![price("配钥匙", 500), price("配防盗门钥匙", 0)],
        ..key_stall()
    });
    assert_eq!(e.field, "prices[1].price_fen");
    assert_eq!(e.zh, "价目表第 2 行：价格至少 0.01 元");
    let e = only_error(&Registration {
        prices: vec![price("换锁芯", 1_000_001)],
        ..key_stall()
    });
    assert_eq!(e.field, "prices[0].price_fen");
    assert_eq!(e.en, "price line 1: a price is at most 10000 yuan");
    assert!(key_stall_with(|r| r.prices = vec![price("换锁芯", 1_000_000), price("x", 1)]).is_ok());
    let e = only_error(&Registration {
        prices: vec![price(&"钥".repeat(21), 500)],
        ..key_stall()
    });
    assert_eq!(e.field, "prices[0].item");
    assert_eq!(e.zh, "价目表第 1 行的项目名太长：最多 20 个字，现在 21 个");
    let e = only_error(&Registration {
        prices: vec![price("配钥匙", 500), price(" ", 500)],
        ..key_stall()
    });
    assert_eq!(e.field, "prices[1].item");
    assert_eq!(e.zh, "请填写价目表第 2 行的项目名");
    let e = only_error(&Registration {
        prices: vec![price("配钥匙", 500); 51],
        ..key_stall()
    });
    assert_eq!(e.field, "prices");
    assert_eq!(e.zh, "价目表最多 50 行，现在 51 行");
}

#[test]
fn the_position_must_be_on_earth() {
    let r = Registration {
        lon: -180.5,
        lat: f64::NAN,
        ..key_stall()
    };
    assert_eq!(fields_of(&r), ["lon", "lat"]);
    assert!(key_stall_with(|r| {
        r.lon = 180.0;
        r.lat = -90.0;
    })
    .is_ok());
}

#[test]
fn address_phone_and_brand_are_checked() {
    let e = only_error(&Registration {
        address: "门".into(),
        ..key_stall()
    });
    assert_eq!(
        (e.field.as_str(), e.zh.as_str()),
        ("address", "地址太短：至少 2 个字")
    );
    let e = only_error(&Registration {
        phone: "12345678901".into(),
        ..key_stall()
    });
    assert_eq!(e.field, "phone");
    assert_eq!(e.zh, "“12”开头的不是手机号（手机号以 13–19 开头）");
    let e = only_error(&Registration {
        brand: Some("  ".into()),
        ..key_stall()
    });
    assert_eq!(
        (e.field.as_str(), e.zh.as_str()),
        ("brand", "请填写品牌名称")
    );
    let e = only_error(&Registration {
        brand: Some("品".repeat(31)),
        ..key_stall()
    });
    assert_eq!(e.zh, "品牌名称太长：最多 30 个字，现在 31 个");
}

#[test]
fn hours_are_required_and_checked_per_span() {
    let e = only_error(&Registration {
        hours: WeeklyHours::default(),
        ..key_stall()
    });
    assert_eq!(e.field, "hours");
    assert_eq!(e.zh, "请填写营业时间，或选择“24 小时营业”");
    let mut hours = mo_sa_8_to_18();
    hours.days[0].push(Span::new((17, 0), (20, 0)));
    let e = only_error(&Registration {
        hours,
        ..key_stall()
    });
    assert_eq!(e.field, "hours.days[0][1]");
    assert_eq!(e.zh, "周一第 2 段：与第 1 段时间重叠");
}

#[test]
fn a_mistyped_credit_code_names_the_check_character() {
    let e = only_error(&Registration {
        credit_code: "92310107MA1K00012X".into(),
        ..key_stall()
    });
    assert_eq!(e.field, "credit_code");
    assert_eq!(e.zh, "最后一位校验码应为 L，请核对是否输错");
    let e = only_error(&Registration {
        credit_code: "92310107MA1K0O012L".into(),
        ..key_stall()
    });
    assert_eq!(
        e.zh,
        "第 14 位的“O”不是有效字符（信用代码不用 I、O、Z、S、V）"
    );
}

#[test]
fn sql_like_text_is_kept_as_text() {
    let sql = "'; DROP TABLE outlets;--";
    let checked = key_stall_with(|r| {
        r.name = sql.into();
        r.address = sql.into();
        r.brand = Some(sql.into());
        r.prices = vec![price("'; DROP TABLE x;--", 500)];
    })
    .unwrap();
    let outlet = checked.to_outlet();
    assert_eq!(outlet.name.as_deref(), Some(sql));
    assert_eq!(outlet.address.as_deref(), Some(sql));
    assert_eq!(outlet.brand.as_deref(), Some(sql));
    assert_eq!(outlet.prices[0].item, "'; DROP TABLE x;--");
    // In the phone and the credit code such text is simply not a number or a code.
    let r = Registration {
        phone: sql.into(),
        credit_code: sql.into(),
        ..key_stall()
    };
    assert_eq!(fields_of(&r), ["phone", "credit_code"]);
}

#[test]
fn the_checked_registration_is_normalised() {
    let checked = key_stall_with(|r| {
        r.name = "  老李配钥匙 ".into();
        r.repair_kinds = vec!["key".into(), "locksmith".into(), "key".into()];
        r.prices[0].item = " 配普通钥匙\u{3000}".into();
        r.phone = "+86 138-0013-8000".into();
        r.credit_code = " 92310107ma1k00012l ".into();
        r.brand = Some(" 老李 ".into());
    })
    .unwrap();
    let r = checked.registration();
    assert_eq!(r.name, "老李配钥匙");
    assert_eq!(r.repair_kinds, ["key", "locksmith"]);
    assert_eq!(r.prices[0].item, "配普通钥匙");
    assert_eq!(r.phone, "138 0013 8000");
    assert_eq!(r.credit_code, STALL_CODE);
    assert_eq!(r.brand.as_deref(), Some("老李"));
    assert_eq!(checked.to_outlet().brand.as_deref(), Some("老李"));
}

#[test]
fn open_24_hours_is_24_7_on_the_outlet() {
    let checked = key_stall_with(|r| {
        r.hours = WeeklyHours {
            open_24h: true,
            ..WeeklyHours::default()
        };
        r.phone = "021-6123-4567".into();
        r.delivers = true;
    })
    .unwrap();
    let outlet = checked.to_outlet();
    assert_eq!(outlet.opening_hours.as_deref(), Some("24/7"));
    assert!(outlet.open_24h);
    assert_eq!(outlet.phone.as_deref(), Some("021-61234567"));
    assert_eq!(outlet.delivers, Some(true));
}

#[test]
fn field_errors_serialise_for_the_api() {
    let e = only_error(&Registration {
        address: "门".into(),
        ..key_stall()
    });
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        json!({"field": "address", "zh": "地址太短：至少 2 个字", "en": "address too short: at least 2 characters"})
    );
}
