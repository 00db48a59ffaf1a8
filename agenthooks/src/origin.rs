//! The crate a registration comes from, as the compiler names it rather
//! than as the registering code writes it.
//!
//! Each registration the macros generate (a hook by `#[hook]`, a binding by
//! [`link!`](crate::link), a hook registered at run time by
//! [`runtime::hook!`](crate::runtime::hook)) defines a type at its call site
//! and implements [`Origin`] for it. The runtime reads the registration's
//! crate from that type's name ([`std::any::type_name`]), which the
//! compiler writes and which starts with the crate that defines the type.
//! Code that calls the support code itself instead of the macros still has
//! to name a type implementing [`Origin`]:
//!
//! - one of its own: the name is its own crate's;
//! - another crate's: the orphan rule lets no crate implement [`Origin`]
//!   for a type it does not define, and the macros define theirs where no
//!   other crate can name them (inside a `const _` or a block);
//! - a reference, box or pin of one of its own (which the orphan rule
//!   allows) or any other type that is not a plain path: its name is not a
//!   crate's, and the registration is refused.
//!
//! What stays trusted: the name the compiler gives a crate. Cargo lets two
//! crates of one name into one binary (two versions of a package, or a
//! package whose `[lib] name` is another's), and the runtime cannot tell
//! them apart; the deployment's lock file decides which packages those are.

/// A type that names the crate of a registration. Implemented by the
/// macros for a type they define at the call site; implementing it by
/// hand for a public type lends the crate's name to whoever names that
/// type.
pub trait Origin: 'static {}

/// The origin of one registration: its type's name, read when needed.
#[derive(Clone, Copy)]
pub(crate) struct Site(fn() -> &'static str);

impl Site {
    /// The origin `O`.
    pub(crate) const fn of<O: Origin>() -> Self {
        Site(std::any::type_name::<O>)
    }

    /// The crate that defines the origin's type, as Rust spells it; the
    /// whole type name when it is not a plain path (then it is no crate's
    /// name, and matches none).
    pub(crate) fn krate(self) -> &'static str {
        crate_of((self.0)())
    }
}

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str((self.0)())
    }
}

/// The crate of the type named `type_name`: its first segment when the
/// name is a plain path (`acme_hooks::search::_::Origin`, or with
/// `{{closure}}` segments), else the whole name.
fn crate_of(type_name: &'static str) -> &'static str {
    let plain = type_name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '{' | '}'));
    match type_name.split_once("::") {
        Some((krate, _)) if plain && is_ident(krate) => krate,
        _ => type_name,
    }
}

/// Whether `text` is a Rust identifier (ASCII).
pub(crate) fn is_ident(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|rest| rest.is_ascii_alphanumeric() || rest == '_')
        && text != "_"
}

#[cfg(test)]
mod tests {
    use super::{crate_of, Origin, Site};

    struct Own;
    impl Origin for Own {}
    impl Origin for &'static Own {}
    impl Origin for Box<Own> {}

    #[test]
    fn the_crate_of_an_origin_is_the_crate_that_defines_its_type() {
        assert_eq!(Site::of::<Own>().krate(), "agenthooks");
        let inner = {
            struct InBlock;
            impl Origin for InBlock {}
            Site::of::<InBlock>()
        };
        assert_eq!(inner.krate(), "agenthooks");
        assert_eq!(crate_of("acme_hooks::search::{{closure}}::Origin"), "acme_hooks");
    }

    #[test]
    fn an_origin_that_is_not_a_plain_path_names_no_crate() {
        assert_eq!(Site::of::<&'static Own>().krate(), "&agenthooks::origin::tests::Own");
        assert_eq!(Site::of::<Box<Own>>().krate(), "alloc::boxed::Box<agenthooks::origin::tests::Own>");
        assert_eq!(crate_of("dyn acme_hooks::Tr"), "dyn acme_hooks::Tr");
    }
}
