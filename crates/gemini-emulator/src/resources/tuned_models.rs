//! The `tunedModels` resource, read-only: `tunedModels.get` and `tunedModels.list` serve the
//! tuned models given to [`EmulatorBuilder::tuned_model`](crate::EmulatorBuilder::tuned_model)
//! (none by default). Creating, patching and deleting tuned models is not served.

use std::time::SystemTime;

use serde_json::Value;

use crate::clock::rfc3339;
use crate::errors::ApiError;
use crate::paging::PageSpec;
use crate::resources::{Call, Handler};
use crate::respond::Payload;
use crate::store::{Record, Resource, Store};

/// `tunedModels.list` page sizes (the API's documented default and maximum).
const PAGES: PageSpec = PageSpec {
    default: 10,
    max: 1000,
};

/// The served tuned-model RPCs.
pub(crate) const HANDLERS: &[(&str, Handler)] =
    &[("tunedModels.get", get), ("tunedModels.list", list)];

/// A `TunedModel` resource, kept as given (with its `name` set).
pub(crate) struct TunedModel(pub(crate) Value);

impl Resource for TunedModel {
    const KIND: &'static str = "TunedModel";

    fn to_json(record: &Record<Self>) -> Value {
        let mut v = record.value.0.clone();
        if let Some(fields) = v.as_object_mut() {
            for (key, time) in [
                ("createTime", record.create_time),
                ("updateTime", record.update_time),
            ] {
                if !fields.contains_key(key) {
                    fields.insert(key.into(), Value::String(rfc3339(time)));
                }
            }
        }
        v
    }
}

/// Adds the tuned model `tunedModels/{id}` with resource fields `resource` (an object; its
/// `name` is set to the full name).
pub(crate) fn seed(store: &Store, now: SystemTime, id: &str, mut resource: Value) {
    let name = format!("tunedModels/{id}");
    if let Some(fields) = resource.as_object_mut() {
        fields.insert("name".into(), Value::String(name.clone()));
    }
    store.with::<TunedModel, _>(now, |t| {
        // Seeding the same id again replaces it.
        let _ = t.remove(&name);
        let _ = t.insert(now, name, TunedModel(resource));
    });
}

fn get(call: &Call<'_>) -> Result<Payload, ApiError> {
    let name = &call.route.name;
    call.state
        .store
        .with::<TunedModel, _>(call.now(), |t| t.get(name).map(TunedModel::to_json))
        .map(Payload::Unary)
}

fn list(call: &Call<'_>) -> Result<Payload, ApiError> {
    let page = call.page(PAGES)?;
    call.state
        .store
        .with::<TunedModel, _>(call.now(), |t| {
            t.list(&page, |_| true).map(|p| p.to_json("tunedModels"))
        })
        .map(Payload::Unary)
}
