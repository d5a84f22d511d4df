//! The `operations` resource: `get`, `list`, `cancel` and `delete` of long-running operations,
//! at every path the API binds them (`models/*/operations[/*]`, `tunedModels/*/operations[/*]`,
//! `fileSearchStores/*[/upload]/operations/*`, and `batches[/*]`, where each batch is an
//! operation). The operations themselves are started by other resources through
//! [`crate::lro`].

use crate::errors::ApiError;
use crate::lro::{self, Operation};
use crate::paging::PageSpec;
use crate::resources::{Call, Handler, batches, empty};
use crate::respond::Payload;
use crate::store::Resource;

/// List page sizes.
const PAGES: PageSpec = PageSpec {
    default: 50,
    max: 1000,
};

/// The operation RPCs.
pub(crate) const HANDLERS: &[(&str, Handler)] = &[
    ("operations.get", get),
    ("operations.list", list),
    ("batches.get", get),
    ("batches.list", list),
    ("batches.cancel", cancel),
    ("batches.delete", delete),
];

fn get(call: &Call<'_>) -> Result<Payload, ApiError> {
    let name = &call.route.name;
    call.state
        .store
        .with::<Operation, _>(call.now(), |t| t.get(name).map(Operation::to_json))
        .map(Payload::Unary)
}

/// Lists the operations under the route's name (`models/m/operations` lists
/// `models/m/operations/*`; `batches` lists `batches/*`).
fn list(call: &Call<'_>) -> Result<Payload, ApiError> {
    let page = call.page(PAGES)?;
    let prefix = format!("{}/", call.route.name);
    call.state
        .store
        .with::<Operation, _>(call.now(), |t| {
            t.list(&page, |r| {
                r.name
                    .strip_prefix(&prefix)
                    .is_some_and(|id| !id.contains('/'))
            })
            .map(|p| p.to_json("operations"))
        })
        .map(Payload::Unary)
}

fn cancel(call: &Call<'_>) -> Result<Payload, ApiError> {
    let now = call.now();
    call.state
        .store
        .with::<Operation, _>(now, |t| lro::cancel(t, now, &call.route.name))?;
    // A batch cancelled before it ended never publishes its results file.
    batches::cancelled(call.state, now, &call.route.name);
    Ok(empty())
}

/// Deletes a finished operation; a batch that is still pending or running cannot be deleted
/// (cancel it first).
fn delete(call: &Call<'_>) -> Result<Payload, ApiError> {
    let name = &call.route.name;
    call.state.store.with::<Operation, _>(call.now(), |t| {
        let r = t.get(name)?;
        if name.starts_with("batches/") && !r.value.is_done() {
            return Err(batches::delete_running(name, r));
        }
        t.remove(name).map(|_| ())
    })?;
    Ok(empty())
}
