//! The in-memory resource store: one [`Table`] of typed [`Record`]s per resource type, with
//! time-driven state read from the injected [`Clock`](crate::Clock).
//!
//! Time is applied lazily: every access first runs [`Table::tick`] with the current time, which
//! removes records whose `expire_time` has passed (a later `get` is a 404) and applies the
//! transitions scheduled with [`Record::at`] whose time has come, oldest first. Nothing runs in
//! the background, so a test that advances a [`ManualClock`](crate::ManualClock) sees the new
//! state on its next request, deterministically.
//!
//! A resource module defines its record type, implements [`Resource`] for it (how it looks on
//! the wire, what its 404 says), and calls [`Store::with`]:
//!
//! ```text
//! state.store.with::<CachedContent, _>(now, |t| {
//!     let name = format!("cachedContents/{}", t.new_id());
//!     let r = t.insert(now, name, cache)?;
//!     r.expire_time = Some(now + ttl);
//!     Ok(CachedContent::to_json(r))
//! })
//! ```

use std::any::{Any, TypeId};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use serde_json::{Map, Value};

use crate::errors::ApiError;
use crate::model::hash::{Rng, hash64};
use crate::paging::{PageRequest, encode_token, invalid_token};

/// A resource type kept in the store.
pub(crate) trait Resource: Sized + Send + 'static {
    /// The resource's name in messages (`"CachedContent"`, `"Operation"`).
    const KIND: &'static str;

    /// The resource as the API serves it.
    fn to_json(record: &Record<Self>) -> Value;

    /// The error for a name that does not exist (or has expired).
    fn not_found(name: &str) -> ApiError {
        ApiError::not_found(format!("{} {name} not found.", Self::KIND))
    }
}

/// A change applied to a record at a scheduled time.
pub(crate) type Transition<T> = Box<dyn FnOnce(&mut Record<T>) + Send>;

struct Scheduled<T> {
    at: SystemTime,
    apply: Transition<T>,
}

/// One stored resource and its bookkeeping.
pub(crate) struct Record<T> {
    /// The full resource name (`cachedContents/abc123`, `models/veo/operations/xyz`).
    pub(crate) name: String,
    pub(crate) value: T,
    pub(crate) create_time: SystemTime,
    /// Set to the transition's time when a scheduled transition runs, and to `now` by
    /// [`Table::get_mut`].
    pub(crate) update_time: SystemTime,
    /// When set, the record disappears once the clock reaches it.
    pub(crate) expire_time: Option<SystemTime>,
    seq: u64,
    schedule: Vec<Scheduled<T>>,
}

impl<T> Record<T> {
    /// Schedules `change` for time `at` (applied by the first access at or after `at`; a time
    /// in the past applies on the next access).
    pub(crate) fn at(&mut self, at: SystemTime, change: impl FnOnce(&mut Self) + Send + 'static) {
        self.schedule.push(Scheduled {
            at,
            apply: Box::new(change),
        });
    }

    /// Drops every pending transition.
    pub(crate) fn clear_schedule(&mut self) {
        self.schedule.clear();
    }

    /// The time of the next pending transition.
    fn next_event(&self) -> Option<SystemTime> {
        let next = self.schedule.iter().map(|s| s.at).min();
        match (next, self.expire_time) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Applies the transitions due at `now`, oldest first (a transition may schedule more).
    fn apply_due(&mut self, now: SystemTime) {
        // Bounded: each round removes one entry; transitions scheduling new due entries in an
        // endless loop are a bug in the resource module, cut off here.
        for _ in 0..10_000 {
            let Some(i) = self
                .schedule
                .iter()
                .enumerate()
                .filter(|(_, s)| s.at <= now)
                .min_by_key(|(_, s)| s.at)
                .map(|(i, _)| i)
            else {
                return;
            };
            let due = self.schedule.remove(i);
            self.update_time = due.at.max(self.create_time);
            (due.apply)(self);
        }
    }
}

/// The records of one resource type, by name.
pub(crate) struct Table<T> {
    records: BTreeMap<String, Record<T>>,
    next_seq: u64,
    /// The earliest scheduled transition or expiry; `None` when nothing is scheduled.
    next_event: Option<SystemTime>,
    /// A record was handed out mutably: recompute `next_event` on the next tick.
    recheck: bool,
    rng: Rng,
}

impl<T: Resource> Table<T> {
    fn new(seed: u64) -> Self {
        Self {
            records: BTreeMap::new(),
            next_seq: 0,
            next_event: None,
            recheck: false,
            rng: Rng::new(hash64(seed, T::KIND.as_bytes())),
        }
    }

    /// Applies time: removes expired records and runs due transitions.
    pub(crate) fn tick(&mut self, now: SystemTime) {
        let due = self.recheck || self.next_event.is_some_and(|t| t <= now);
        if !due {
            return;
        }
        self.records
            .retain(|_, r| r.expire_time.is_none_or(|t| t > now));
        for r in self.records.values_mut() {
            if r.schedule.iter().any(|s| s.at <= now) {
                r.apply_due(now);
            }
        }
        // A transition may have set an expiry that has already passed.
        self.records
            .retain(|_, r| r.expire_time.is_none_or(|t| t > now));
        self.next_event = self.records.values().filter_map(Record::next_event).min();
        self.recheck = false;
    }

    /// A new id in the style of the real service: 12 characters of `[a-z0-9]`
    /// (`files/4if4o2bqvugf`, `cachedContents/lf0nt062ulc1`), not used in this table yet
    /// under `prefix`.
    pub(crate) fn new_id(&mut self, prefix: &str) -> String {
        loop {
            let id = random_id(&mut self.rng, 12);
            if !self.records.contains_key(&format!("{prefix}{id}")) {
                return id;
            }
        }
    }

    /// Adds a record named `name`; `409 ALREADY_EXISTS` when the name is taken.
    pub(crate) fn insert(
        &mut self,
        now: SystemTime,
        name: String,
        value: T,
    ) -> Result<&mut Record<T>, ApiError> {
        use std::collections::btree_map::Entry;
        let seq = self.next_seq;
        match self.records.entry(name) {
            Entry::Occupied(e) => {
                let mut err =
                    ApiError::new(409, format!("{} {} already exists.", T::KIND, e.key()));
                "ALREADY_EXISTS".clone_into(&mut err.status);
                Err(err)
            }
            Entry::Vacant(e) => {
                self.next_seq += 1;
                self.recheck = true;
                let name = e.key().clone();
                Ok(e.insert(Record {
                    name,
                    value,
                    create_time: now,
                    update_time: now,
                    expire_time: None,
                    seq,
                    schedule: Vec::new(),
                }))
            }
        }
    }

    /// The record named `name`, or the resource's 404.
    pub(crate) fn get(&self, name: &str) -> Result<&Record<T>, ApiError> {
        self.records.get(name).ok_or_else(|| T::not_found(name))
    }

    /// The record named `name` for changing (its `update_time` becomes `now`), or the 404.
    pub(crate) fn get_mut(
        &mut self,
        now: SystemTime,
        name: &str,
    ) -> Result<&mut Record<T>, ApiError> {
        let r = self
            .records
            .get_mut(name)
            .ok_or_else(|| T::not_found(name))?;
        r.update_time = now;
        self.recheck = true;
        Ok(r)
    }

    /// Removes and returns the record named `name`, or the 404.
    pub(crate) fn remove(&mut self, name: &str) -> Result<Record<T>, ApiError> {
        self.records.remove(name).ok_or_else(|| T::not_found(name))
    }

    /// Every record, in name order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Record<T>> {
        self.records.values()
    }

    /// One page of the records `keep` accepts, newest first (the real lists' order).
    pub(crate) fn list(
        &self,
        page: &PageRequest,
        keep: impl Fn(&Record<T>) -> bool,
    ) -> Result<Page<'_, T>, ApiError> {
        let before = match &page.after {
            None => u64::MAX,
            Some(cursor) => cursor.parse::<u64>().map_err(|_| invalid_token())?,
        };
        let mut matching: Vec<&Record<T>> = self
            .records
            .values()
            .filter(|r| r.seq < before && keep(r))
            .collect();
        matching.sort_unstable_by_key(|r| std::cmp::Reverse(r.seq));
        let more = matching.len() > page.size;
        matching.truncate(page.size);
        let next_page_token = if more {
            matching.last().map(|r| encode_token(&r.seq.to_string()))
        } else {
            None
        };
        Ok(Page {
            items: matching,
            next_page_token,
        })
    }
}

/// One page of a list.
pub(crate) struct Page<'a, T> {
    pub(crate) items: Vec<&'a Record<T>>,
    pub(crate) next_page_token: Option<String>,
}

impl<T: Resource> Page<'_, T> {
    /// `{"<key>": [...], "nextPageToken": "..."}`; an empty list is left out, as proto3 JSON
    /// does (an empty page is `{}`).
    pub(crate) fn to_json(&self, key: &str) -> Value {
        let mut out = Map::new();
        if !self.items.is_empty() {
            out.insert(
                key.to_owned(),
                Value::Array(self.items.iter().map(|r| T::to_json(r)).collect()),
            );
        }
        if let Some(t) = &self.next_page_token {
            out.insert("nextPageToken".into(), Value::String(t.clone()));
        }
        Value::Object(out)
    }
}

fn random_id(rng: &mut Rng, len: usize) -> String {
    const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..len)
        .map(|_| char::from(ALPHABET[rng.below(36) as usize]))
        .collect()
}

/// Every table, by resource type.
pub(crate) struct Store {
    tables: Mutex<HashMap<TypeId, Box<dyn Any + Send>>>,
    seed: u64,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

impl Store {
    /// An empty store whose ids derive from `seed` (same seed, same ids).
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            tables: Mutex::new(HashMap::new()),
            seed,
        }
    }

    /// Runs `f` on the table of `T` after applying time up to `now`. The store is locked while
    /// `f` runs: `f` must not call back into the store.
    pub(crate) fn with<T: Resource, R>(
        &self,
        now: SystemTime,
        f: impl FnOnce(&mut Table<T>) -> R,
    ) -> R {
        let mut tables = self.tables.lock().unwrap_or_else(PoisonError::into_inner);
        let seed = self.seed;
        let table = tables
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(Table::<T>::new(seed)))
            .downcast_mut::<Table<T>>();
        // The map is keyed by the type id of its value's type.
        let Some(table) = table else {
            unreachable!("store table of the wrong type")
        };
        table.tick(now);
        f(table)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use super::*;
    use crate::clock::{Clock, ManualClock, rfc3339};

    /// A file-like resource: PROCESSING, then ACTIVE.
    struct Thing {
        state: &'static str,
    }

    impl Resource for Thing {
        const KIND: &'static str = "Thing";
        fn to_json(r: &Record<Self>) -> Value {
            json!({
                "name": r.name,
                "state": r.value.state,
                "createTime": rfc3339(r.create_time),
                "updateTime": rfc3339(r.update_time),
            })
        }
    }

    fn create(store: &Store, clock: &ManualClock, processing: Duration, ttl: Duration) -> String {
        let now = clock.now();
        store.with::<Thing, _>(now, |t| {
            let name = format!("things/{}", t.new_id("things/"));
            let r = t
                .insert(
                    now,
                    name,
                    Thing {
                        state: "PROCESSING",
                    },
                )
                .unwrap();
            r.at(now + processing, |r| r.value.state = "ACTIVE");
            r.expire_time = Some(now + ttl);
            r.name.clone()
        })
    }

    fn get(store: &Store, clock: &ManualClock, name: &str) -> Result<Value, ApiError> {
        store.with::<Thing, _>(clock.now(), |t| t.get(name).map(Thing::to_json))
    }

    #[test]
    fn the_clock_drives_state_and_expiry() {
        let clock = ManualClock::new();
        let store = Store::new(7);
        let name = create(
            &store,
            &clock,
            Duration::from_secs(10),
            Duration::from_secs(3600),
        );
        assert!(
            name.starts_with("things/") && name.len() == "things/".len() + 12,
            "{name}"
        );
        assert!(
            name["things/".len()..]
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
        assert_eq!(get(&store, &clock, &name).unwrap()["state"], "PROCESSING");
        clock.advance(Duration::from_secs(9));
        assert_eq!(get(&store, &clock, &name).unwrap()["state"], "PROCESSING");
        clock.advance(Duration::from_secs(1));
        let v = get(&store, &clock, &name).unwrap();
        assert_eq!(v["state"], "ACTIVE");
        // The transition is dated when it was due, not when it was seen.
        assert_eq!(v["updateTime"], "2026-01-01T00:00:10Z");
        assert_eq!(v["createTime"], "2026-01-01T00:00:00Z");
        clock.advance(Duration::from_secs(3590 - 1));
        assert!(get(&store, &clock, &name).is_ok());
        clock.advance(Duration::from_secs(1));
        let e = get(&store, &clock, &name).unwrap_err();
        assert_eq!(e.code, 404);
        assert_eq!(e.message, format!("Thing {name} not found."));
    }

    #[test]
    fn a_late_reader_sees_every_transition_in_order() {
        let clock = ManualClock::new();
        let store = Store::new(1);
        let now = clock.now();
        let name = store.with::<Thing, _>(now, |t| {
            let r = t
                .insert(now, "things/a".into(), Thing { state: "A" })
                .unwrap();
            r.at(now + Duration::from_secs(2), |r| {
                assert_eq!(r.value.state, "B");
                r.value.state = "C";
            });
            r.at(now + Duration::from_secs(1), |r| r.value.state = "B");
            r.name.clone()
        });
        clock.advance(Duration::from_secs(60));
        assert_eq!(get(&store, &clock, &name).unwrap()["state"], "C");
    }

    #[test]
    fn list_pages_newest_first_and_survives_deletes() {
        let clock = ManualClock::new();
        let store = Store::new(3);
        let names: Vec<String> = (0..5)
            .map(|_| {
                clock.advance(Duration::from_secs(1));
                create(&store, &clock, Duration::ZERO, Duration::from_secs(100))
            })
            .collect();
        let page = |after: Option<String>| {
            store.with::<Thing, _>(clock.now(), |t| {
                let p = t.list(&PageRequest { size: 2, after }, |_| true).unwrap();
                (
                    p.items.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
                    p.next_page_token.clone(),
                    p.to_json("things"),
                )
            })
        };
        let (first, token, json) = page(None);
        assert_eq!(first, vec![names[4].clone(), names[3].clone()]);
        assert_eq!(json["things"][0]["state"], "ACTIVE");
        let token = token.unwrap();
        assert_eq!(json["nextPageToken"], token);
        // Deleting an already-listed record does not disturb the cursor.
        store
            .with::<Thing, _>(clock.now(), |t| t.remove(&names[3]).map(|_| ()))
            .unwrap();
        let cursor = crate::paging::decode_token(&token);
        let (second, token2, _) = page(cursor);
        assert_eq!(second, vec![names[2].clone(), names[1].clone()]);
        let (third, token3, _) = page(crate::paging::decode_token(&token2.unwrap()));
        assert_eq!(third, vec![names[0].clone()]);
        assert_eq!(token3, None);
        let bad = store.with::<Thing, _>(clock.now(), |t| {
            t.list(
                &PageRequest {
                    size: 2,
                    after: Some("x".into()),
                },
                |_| true,
            )
            .map(|_| ())
        });
        assert_eq!(bad.unwrap_err().code, 400);
        // Everything expires; an empty page is `{}`.
        clock.advance(Duration::from_secs(1000));
        assert_eq!(page(None).2, json!({}));
    }

    #[test]
    fn insert_get_mut_and_remove() {
        let clock = ManualClock::new();
        let store = Store::new(3);
        let now = clock.now();
        store.with::<Thing, _>(now, |t| {
            t.insert(now, "things/x".into(), Thing { state: "A" })
                .unwrap();
            let e = t
                .insert(now, "things/x".into(), Thing { state: "A" })
                .err()
                .unwrap();
            assert_eq!((e.code, e.status.as_str()), (409, "ALREADY_EXISTS"));
        });
        clock.advance(Duration::from_secs(5));
        let now = clock.now();
        store.with::<Thing, _>(now, |t| {
            let r = t.get_mut(now, "things/x").unwrap();
            r.value.state = "B";
            r.expire_time = Some(now);
        });
        // Expired by a patch: gone on the next access.
        assert_eq!(get(&store, &clock, "things/x").unwrap_err().code, 404);
        assert_eq!(
            store
                .with::<Thing, _>(now, |t| t.remove("things/x").map(|_| ()))
                .unwrap_err()
                .code,
            404
        );
    }

    #[test]
    fn ids_are_deterministic_per_seed() {
        let a = Store::new(9).with::<Thing, _>(SystemTime::UNIX_EPOCH, |t| t.new_id(""));
        let b = Store::new(9).with::<Thing, _>(SystemTime::UNIX_EPOCH, |t| t.new_id(""));
        assert_eq!(a, b);
    }
}
