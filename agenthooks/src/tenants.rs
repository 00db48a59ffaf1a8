//! A point's chains by tenant, looked up once per call.

use rustc_hash::FxHashMap;

/// Up to this many tenants, a lookup scans a list instead of hashing.
const FEW: usize = 4;

/// Values by tenant: a list scanned in order for up to [`FEW`] tenants,
/// a hash map beyond. Most points have hooks of their own for one tenant
/// or a few; for those, comparing lengths (and the bytes of equal ones)
/// costs less than hashing the caller's tenant (measured: about 20
/// instructions less per call with one tenant).
pub(crate) enum ByTenant<V> {
    Few(Vec<(&'static str, V)>),
    Many(FxHashMap<&'static str, V>),
}

impl<V> ByTenant<V> {
    /// The value of `tenant`.
    #[inline]
    pub(crate) fn get(&self, tenant: &str) -> Option<&V> {
        match self {
            ByTenant::Few(few) => few.iter().find(|(own, _)| *own == tenant).map(|(_, value)| value),
            ByTenant::Many(many) => many.get(tenant),
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            ByTenant::Few(few) => few.len(),
            ByTenant::Many(many) => many.len(),
        }
    }

    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every tenant with its value, in no particular order.
    pub(crate) fn iter(&self) -> Box<dyn Iterator<Item = (&'static str, &V)> + '_> {
        match self {
            ByTenant::Few(few) => Box::new(few.iter().map(|(tenant, value)| (*tenant, value))),
            ByTenant::Many(many) => Box::new(many.iter().map(|(tenant, value)| (*tenant, value))),
        }
    }

    /// Every tenant with its value, to change, in no particular order.
    pub(crate) fn iter_mut(&mut self) -> Box<dyn Iterator<Item = (&'static str, &mut V)> + '_> {
        match self {
            ByTenant::Few(few) => Box::new(few.iter_mut().map(|(tenant, value)| (*tenant, value))),
            ByTenant::Many(many) => Box::new(many.iter_mut().map(|(tenant, value)| (*tenant, value))),
        }
    }
}

impl<V> FromIterator<(&'static str, V)> for ByTenant<V> {
    /// Each tenant once: a tenant given twice keeps its last value.
    fn from_iter<I: IntoIterator<Item = (&'static str, V)>>(entries: I) -> Self {
        let many: FxHashMap<&'static str, V> = entries.into_iter().collect();
        if many.len() <= FEW {
            ByTenant::Few(many.into_iter().collect())
        } else {
            ByTenant::Many(many)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenants(count: usize) -> ByTenant<usize> {
        (0..count).map(|index| (crate::intern::text(&format!("tenant-{index}")), index)).collect()
    }

    #[test]
    fn every_tenant_finds_its_own_value_below_and_above_the_list_limit() {
        for count in [0, 1, FEW, FEW + 1, 40] {
            let by_tenant = tenants(count);
            assert_eq!(by_tenant.len(), count);
            assert_eq!(matches!(by_tenant, ByTenant::Few(_)), count <= FEW);
            for index in 0..count {
                assert_eq!(by_tenant.get(&format!("tenant-{index}")), Some(&index));
            }
            assert_eq!(by_tenant.get("tenant-x"), None);
            assert_eq!(by_tenant.get("tenant"), None);
            assert_eq!(by_tenant.iter().count(), count);
        }
    }
}
