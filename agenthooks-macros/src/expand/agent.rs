//! `#[agent]`: expands the `#[hookpoint]` methods of an impl block and puts
//! their context structs beside it.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Attribute, ImplItem, ItemImpl};

use super::parse_item;
use super::point::{expand, strip_redact};
use crate::ast::PointFn;
use crate::attr::PointArgs;
use crate::errors::Errors;

/// `#[agent]` on the impl block `input`; `args` must be empty.
pub(crate) fn agent(args: &TokenStream, input: TokenStream) -> TokenStream {
    let mut item: ItemImpl =
        match parse_item(input, "`#[agent]` goes on an `impl` block whose methods carry `#[hookpoint(...)]`") {
            Ok(item) => item,
            Err(tokens) => return tokens,
        };
    let mut errors = Errors::default();
    if !args.is_empty() {
        errors.push(syn::Error::new_spanned(
            args,
            "`#[agent]` takes no arguments: name each point in its method's `#[hookpoint(Name)]`",
        ));
    }
    let mut generated = TokenStream::new();
    let mut found = false;
    for impl_item in &mut item.items {
        let ImplItem::Fn(method) = impl_item else { continue };
        let Some(position) = method.attrs.iter().position(is_hookpoint) else { continue };
        found = true;
        let attr = method.attrs.remove(position);
        let args = errors.check(attr.parse_args::<PointArgs>());
        let point = errors.check(PointFn::new(
            method.attrs.clone(),
            method.vis.clone(),
            method.sig.clone(),
            Box::new(method.block.clone()),
            true,
        ));
        if let (Some(args), Some(point)) = (args, point) {
            let (function, items) = expand(&args, &point);
            *impl_item = ImplItem::Verbatim(function);
            generated.extend(items);
        } else {
            strip_redact(&mut method.sig);
        }
    }
    if !found {
        errors.push(syn::Error::new_spanned(
            &item.self_ty,
            "`#[agent]` found no method marked `#[hookpoint(Name)]` in this impl block: mark one, or remove `#[agent]`",
        ));
    }
    quote!(#item #generated #errors)
}

/// Whether `attr` is `#[hookpoint(...)]`, by any path.
fn is_hookpoint(attr: &Attribute) -> bool {
    attr.path().segments.last().is_some_and(|segment| segment.ident == "hookpoint")
}
