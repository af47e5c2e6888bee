//! OSM `opening_hours` text in Chinese words ("Mo-Fr 07:00-19:00" → "周一至周五 07:00–19:00").
//! Only the words are translated; anything unusual is kept as written, never dropped.

fn day(word: &str) -> Option<&'static str> {
    Some(match word {
        "Mo" => "周一",
        "Tu" => "周二",
        "We" => "周三",
        "Th" => "周四",
        "Fr" => "周五",
        "Sa" => "周六",
        "Su" => "周日",
        "PH" => "节假日",
        _ => return None,
    })
}

fn other_word(word: &str) -> Option<&'static str> {
    Some(match word {
        "off" | "closed" => "休息",
        "open" => "营业",
        _ => return None,
    })
}

pub fn hours_text(osm: &str) -> String {
    let s = osm.trim();
    // OSM's syntax is English already; only its one idiom gets words.
    if super::i18n::is_en() {
        return if s == "24/7" {
            "Open 24 hours".to_string()
        } else {
            s.to_string()
        };
    }
    if s == "24/7" {
        return "24小时营业".to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut after_day = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphabetic() {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            match day(&word) {
                Some(zh) => {
                    out.push_str(zh);
                    after_day = true;
                }
                None => {
                    out.push_str(other_word(&word).unwrap_or(&word));
                    after_day = false;
                }
            }
            continue;
        }
        let next_is_day = {
            let rest: String = chars[i + 1..].iter().take(2).collect();
            day(&rest).is_some()
        };
        match c {
            '-' if after_day && next_is_day => out.push('至'),
            '-' => out.push('–'),
            ',' => out.push('、'),
            ';' => {
                out.push('；');
                // The Chinese semicolon already carries its own space.
                while i + 1 < chars.len() && chars[i + 1] == ' ' {
                    i += 1;
                }
            }
            _ => out.push(c),
        }
        after_day = false;
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::hours_text;

    #[test]
    fn translates_common_hours() {
        assert_eq!(hours_text("Mo-Fr 07:00-19:00"), "周一至周五 07:00–19:00");
        assert_eq!(
            hours_text("Mo-Sa 08:00-18:00; Su off"),
            "周一至周六 08:00–18:00；周日 休息"
        );
        assert_eq!(hours_text("Sa,Su 09:00-12:00"), "周六、周日 09:00–12:00");
        assert_eq!(hours_text("24/7"), "24小时营业");
        assert_eq!(
            hours_text("06:30-10:00,16:00-19:00"),
            "06:30–10:00、16:00–19:00"
        );
        assert_eq!(hours_text("Jan-Mar 10:00-16:00"), "Jan–Mar 10:00–16:00");
    }
}
