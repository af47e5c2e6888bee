use super::*;

fn check(key: &str, e: &StaffEntry) -> Result<(), String> {
    validate_staff_entry(&setup().1, key, e)
}

#[test]
fn valid_entries_pass() {
    assert_eq!(check("harmony.harmony", &entry(80, "无投诉")), Ok(()));
    // Any tenth up to the maximum where the rules give no choices.
    assert_eq!(
        check("market_repair.market", &entry(49, "面积不足")),
        Ok(())
    );
    assert_eq!(check("events.events", &entry(0, "本年未开展")), Ok(()));
    let mut e = entry(50, &"说".repeat(500));
    e.evidence = Some("x".repeat(300));
    assert_eq!(check("elderly_child.childcare", &e), Ok(()));
}

#[test]
fn each_mistake_gets_its_own_message() {
    let ok = entry(40, "达标");
    assert_eq!(
        check("harmony.peace", &ok).unwrap_err(),
        "未知的评分项 / unknown grade part 'harmony.peace'"
    );
    assert_eq!(
        check("chain_rate.chain_rate", &ok).unwrap_err(),
        "“品牌连锁化率”由系统计算，不能录入 / 'chain_rate.chain_rate' is computed, not entered by staff"
    );
    assert_eq!(
        check("market_repair.market", &entry(51, "达标")).unwrap_err(),
        "分值 5.1 超过上限 5 分 / 5.1 points is above the maximum of 5"
    );
    assert_eq!(
        check("harmony.harmony", &entry(60, "达标")).unwrap_err(),
        "分值只能是 0、4、8 / points must be one of 0, 4, 8, not 6"
    );
    // Events are whole: 3.5 events is not a choice.
    assert!(check("events.events", &entry(35, "三场半")).is_err());
    assert_eq!(
        check("harmony.harmony", &entry(40, "  ")).unwrap_err(),
        "请填写说明 / a note is required"
    );
    assert_eq!(
        check("harmony.harmony", &entry(40, &"说".repeat(501))).unwrap_err(),
        "说明不能超过 500 字 / the note must be at most 500 characters"
    );
    let mut e = entry(40, "达标");
    e.evidence = Some("x".repeat(301));
    assert_eq!(
        check("harmony.harmony", &e).unwrap_err(),
        "附件引用不能超过 300 字符 / the evidence reference must be at most 300 characters"
    );
}
