//! What both merchant pages load first: the rules (categories, repair kinds, services, walking
//! speeds) and the circle the map shows.

use crate::domain::{Circle, Rules};
use crate::pages::api::ApiError;
use crate::ui::api as map_api;
use std::sync::Arc;

#[derive(Clone)]
pub struct Setup {
    pub rules: Arc<Rules>,
    /// The deployment's circle (the map's bounds and outline); `None` when the data has none.
    pub circle: Option<Arc<Circle>>,
}

fn from_load(e: map_api::LoadError) -> ApiError {
    ApiError {
        status: 0,
        code: String::new(),
        message: e.detail,
        question: None,
    }
}

pub async fn load() -> Result<Setup, ApiError> {
    let (rules, circles) =
        futures::try_join!(map_api::rules(), map_api::circles()).map_err(from_load)?;
    Ok(Setup {
        rules: Arc::new(rules),
        circle: circles.into_iter().next().map(Arc::new),
    })
}
