//! A least-recently-used map bounded by total weight (bytes), for places with no threads and no clock:
//! the browser's L1 in wasm32, and anything native that wants a plain single-owner cache.
//!
//! Why not the `lru` crate: it bounds the entry count, not bytes, keeps no hit/miss/eviction counters,
//! and allocates one box per entry behind raw pointers. This one keeps entries in one `Vec` linked by
//! indices (no `unsafe`, which this crate forbids), removes by swapping the last entry into the hole, and
//! does every operation in O(1) expected time (one or two hash lookups).

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

use serde::Serialize;

/// No neighbour.
const NIL: usize = usize::MAX;

/// How much an entry weighs, in the unit of the budget (normally bytes). Entries weigh at least 1, so a
/// budget of `n` holds at most `n` entries whatever the weigher says.
pub type Weigher<K, V> = fn(&K, &V) -> u64;

struct Node<K, V> {
    key: K,
    value: V,
    weight: u64,
    /// Towards the most recently used end.
    prev: usize,
    /// Towards the least recently used end.
    next: usize,
}

/// Counters since the cache was made (`clear` keeps them; `reset_stats` zeroes them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LruStats {
    pub hits: u64,
    pub misses: u64,
    pub inserts: u64,
    /// Entries pushed out to make room (not removals, replacements or clears).
    pub evictions: u64,
    /// Inserts refused because the entry alone weighs more than the budget.
    pub rejected: u64,
    pub entries: usize,
    /// Current total weight.
    pub bytes: u64,
    pub budget: u64,
}

/// What an insert did.
#[derive(Debug)]
#[must_use = "evicted entries may need cleaning up (files, handles); ignore explicitly if not"]
pub struct Insert<K, V> {
    /// `false` when the entry alone weighs more than the budget (then any old value under the key is
    /// removed too, and returned in `replaced`, so the cache never answers with it).
    pub stored: bool,
    /// The value the key had before.
    pub replaced: Option<V>,
    /// Entries evicted to make room, least recently used first.
    pub evicted: Vec<(K, V)>,
}

/// A map that keeps the most recently used entries within a total weight.
pub struct Lru<K, V> {
    map: HashMap<K, usize>,
    nodes: Vec<Node<K, V>>,
    /// Most recently used.
    head: usize,
    /// Least recently used: the next to go.
    tail: usize,
    weigher: Weigher<K, V>,
    bytes: u64,
    budget: u64,
    stats: LruStats,
}

impl<K: Hash + Eq + Clone, V> Lru<K, V> {
    pub fn new(budget: u64, weigher: Weigher<K, V>) -> Lru<K, V> {
        Lru {
            map: HashMap::new(),
            nodes: Vec::new(),
            head: NIL,
            tail: NIL,
            weigher,
            bytes: 0,
            budget,
            stats: LruStats::default(),
        }
    }

    /// The value, marked most recently used; counts a hit or a miss.
    pub fn get<Q>(&mut self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        match self.map.get(key).copied() {
            Some(i) => {
                self.stats.hits += 1;
                self.touch(i);
                Some(&self.nodes[i].value)
            }
            None => {
                self.stats.misses += 1;
                None
            }
        }
    }

    /// The value without marking it used or counting anything.
    pub fn peek<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.get(key).map(|&i| &self.nodes[i].value)
    }

    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.contains_key(key)
    }

    /// Inserts (or replaces) as most recently used, evicting least recently used entries until the total
    /// weight fits the budget.
    pub fn insert(&mut self, key: K, value: V) -> Insert<K, V> {
        let weight = (self.weigher)(&key, &value).max(1);
        let replaced = self.remove_entry(&key).map(|(_, v)| v);
        if weight > self.budget {
            self.stats.rejected += 1;
            return Insert {
                stored: false,
                replaced,
                evicted: Vec::new(),
            };
        }
        let evicted = self.evict_to(self.budget - weight);
        let i = self.nodes.len();
        self.nodes.push(Node {
            key: key.clone(),
            value,
            weight,
            prev: NIL,
            next: NIL,
        });
        self.map.insert(key, i);
        self.link_front(i);
        self.bytes += weight;
        self.stats.inserts += 1;
        Insert {
            stored: true,
            replaced,
            evicted,
        }
    }

    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.remove_entry(key).map(|(_, v)| v)
    }

    /// Removes the least recently used entry.
    pub fn pop_lru(&mut self) -> Option<(K, V)> {
        if self.tail == NIL {
            return None;
        }
        Some(self.remove_at(self.tail))
    }

    /// Drops every entry; the counters are kept.
    pub fn clear(&mut self) {
        self.map.clear();
        self.nodes.clear();
        self.head = NIL;
        self.tail = NIL;
        self.bytes = 0;
    }

    /// Changes the budget, evicting (and returning) what no longer fits.
    pub fn set_budget(&mut self, budget: u64) -> Vec<(K, V)> {
        self.budget = budget;
        self.evict_to(budget)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Current total weight.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    pub fn budget(&self) -> u64 {
        self.budget
    }

    pub fn stats(&self) -> LruStats {
        LruStats {
            entries: self.nodes.len(),
            bytes: self.bytes,
            budget: self.budget,
            ..self.stats
        }
    }

    pub fn reset_stats(&mut self) {
        self.stats = LruStats::default();
    }

    /// Entries from most to least recently used (does not mark anything used).
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        let mut i = self.head;
        std::iter::from_fn(move || {
            if i == NIL {
                return None;
            }
            let node = &self.nodes[i];
            i = node.next;
            Some((&node.key, &node.value))
        })
    }

    fn remove_entry<Q>(&mut self, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let i = self.map.get(key).copied()?;
        Some(self.remove_at(i))
    }

    /// Evicts least recently used entries until the total weight is at most `target`.
    fn evict_to(&mut self, target: u64) -> Vec<(K, V)> {
        let mut evicted = Vec::new();
        while self.bytes > target && self.tail != NIL {
            evicted.push(self.remove_at(self.tail));
            self.stats.evictions += 1;
        }
        evicted
    }

    fn touch(&mut self, i: usize) {
        if self.head != i {
            self.unlink(i);
            self.link_front(i);
        }
    }

    fn link_front(&mut self, i: usize) {
        self.nodes[i].prev = NIL;
        self.nodes[i].next = self.head;
        if self.head != NIL {
            self.nodes[self.head].prev = i;
        }
        self.head = i;
        if self.tail == NIL {
            self.tail = i;
        }
    }

    fn unlink(&mut self, i: usize) {
        let (prev, next) = (self.nodes[i].prev, self.nodes[i].next);
        if prev == NIL {
            self.head = next;
        } else {
            self.nodes[prev].next = next;
        }
        if next == NIL {
            self.tail = prev;
        } else {
            self.nodes[next].prev = prev;
        }
    }

    /// Unlinks node `i` and takes it out of the vector; the last node moves into its slot.
    fn remove_at(&mut self, i: usize) -> (K, V) {
        self.unlink(i);
        let node = self.nodes.swap_remove(i);
        self.map.remove(&node.key);
        self.bytes -= node.weight;
        if i < self.nodes.len() {
            // The node that was last is now at `i`: repoint its neighbours and its map entry.
            let (prev, next) = (self.nodes[i].prev, self.nodes[i].next);
            if prev == NIL {
                self.head = i;
            } else {
                self.nodes[prev].next = i;
            }
            if next == NIL {
                self.tail = i;
            } else {
                self.nodes[next].prev = i;
            }
            if let Some(slot) = self.map.get_mut(&self.nodes[i].key) {
                *slot = i;
            }
        }
        (node.key, node.value)
    }
}

impl<K, V> std::fmt::Debug for Lru<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lru")
            .field("entries", &self.nodes.len())
            .field("bytes", &self.bytes)
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[allow(clippy::ptr_arg, reason = "a Weigher<u32, Vec<u8>> takes &Vec<u8>")]
    fn by_len(_: &u32, v: &Vec<u8>) -> u64 {
        v.len() as u64
    }

    fn keys(lru: &Lru<u32, Vec<u8>>) -> Vec<u32> {
        lru.iter().map(|(k, _)| *k).collect()
    }

    #[test]
    fn evicts_least_recently_used_by_weight() {
        let mut lru = Lru::new(10, by_len);
        assert!(lru.insert(1, vec![0; 4]).stored);
        assert!(lru.insert(2, vec![0; 4]).stored);
        assert_eq!(lru.get(&1).map(Vec::len), Some(4)); // 1 is now most recent
        let ins = lru.insert(3, vec![0; 4]);
        assert!(ins.stored);
        assert_eq!(ins.evicted.iter().map(|(k, _)| *k).collect::<Vec<_>>(), [2]);
        assert_eq!(keys(&lru), [3, 1]);
        assert_eq!(lru.bytes(), 8);
        let s = lru.stats();
        assert_eq!((s.hits, s.misses, s.inserts, s.evictions), (1, 0, 3, 1));
        assert_eq!(lru.get(&2), None);
        assert_eq!(lru.stats().misses, 1);
    }

    #[test]
    fn too_heavy_is_rejected_and_drops_the_old_value() {
        let mut lru = Lru::new(10, by_len);
        let _ = lru.insert(1, vec![1; 3]);
        let ins = lru.insert(1, vec![0; 11]);
        assert!(!ins.stored);
        assert_eq!(ins.replaced, Some(vec![1; 3]));
        assert!(lru.is_empty());
        assert_eq!(lru.bytes(), 0);
        assert_eq!(lru.stats().rejected, 1);
    }

    #[test]
    fn replace_updates_weight_and_recency() {
        let mut lru = Lru::new(10, by_len);
        let _ = lru.insert(1, vec![0; 2]);
        let _ = lru.insert(2, vec![0; 2]);
        let ins = lru.insert(1, vec![0; 8]);
        assert_eq!(ins.replaced.map(|v| v.len()), Some(2));
        assert!(ins.evicted.is_empty());
        assert_eq!(lru.bytes(), 10);
        assert_eq!(keys(&lru), [1, 2]);
    }

    #[test]
    fn zero_weight_entries_still_count() {
        let mut lru: Lru<u32, Vec<u8>> = Lru::new(3, by_len);
        for k in 0..10 {
            let _ = lru.insert(k, Vec::new());
        }
        assert_eq!(lru.len(), 3);
        assert_eq!(keys(&lru), [9, 8, 7]);
    }

    #[test]
    fn remove_pop_clear_and_shrink() {
        let mut lru = Lru::new(100, by_len);
        for k in 0..5 {
            let _ = lru.insert(k, vec![0; 10]);
        }
        assert_eq!(lru.remove(&0), Some(vec![0; 10]));
        assert_eq!(lru.remove(&0), None);
        assert_eq!(lru.pop_lru().map(|(k, _)| k), Some(1));
        assert_eq!(keys(&lru), [4, 3, 2]);
        let out = lru.set_budget(15);
        assert_eq!(out.iter().map(|(k, _)| *k).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(keys(&lru), [4]);
        assert_eq!(lru.peek(&4).map(Vec::len), Some(10));
        lru.clear();
        assert!(lru.is_empty());
        assert_eq!(lru.bytes(), 0);
        assert_eq!(lru.stats().evictions, 2);
        assert_eq!(lru.pop_lru(), None);
    }

    #[test]
    fn borrowed_lookups() {
        let mut lru: Lru<String, u64> = Lru::new(100, |k, _| k.len() as u64);
        let _ = lru.insert("abc".to_owned(), 1);
        assert_eq!(lru.get("abc"), Some(&1));
        assert!(lru.contains_key("abc"));
        assert_eq!(lru.remove("abc"), Some(1));
    }
}
