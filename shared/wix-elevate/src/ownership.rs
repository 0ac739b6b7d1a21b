//! Who owns a resource: the one rule every "admin, or the member it belongs to" function applies.
//!
//! **Rule.** An admin reaches every resource. A member reaches a resource only when Wix data read with
//! elevation — never the request — names that member as its owner:
//! - a member account is its own member's;
//! - an order is the member's named as its buyer (`buyerInfo.memberId`);
//! - a booking is the member's by who made it (Wix's read-only `createdBy`), see [`Booking`'s
//!   rule](#bookings).
//!
//! A member's query is scoped to its owner server-side, and every resource it returns is checked again
//! against the same [`Reach`] (a cursor from elsewhere cannot widen it). A refusal is 403.
//!
//! # Bookings
//!
//! A booking is a member's when
//! 1. its `createdBy.memberId` is that member: they booked it while logged in; or
//! 2. it was made for them by the site — `createdBy` is a Wix user (`wixUserId`: the owner or staff,
//!    from the dashboard) or an app (`appId`) — and its `contactDetails.contactId` is the member's own
//!    contact (read from Wix's member record).
//!
//! Nothing else is: not a booking made by an anonymous visitor (`createdBy.anonymousVisitorId`), nor
//! one made by another member, whatever its contact, nor one whose `createdBy` is missing or unreadable.
//!
//! Why not the contact alone: Wix links contacts by email. A guest booking made by anyone, for any email,
//! is kept under the contact of that email, and a member who later registers with that email gets that
//! same contact. By contact alone, whoever registers `victim@example.com` would list, cancel and
//! reschedule every guest booking ever made with it. A visitor's booking proves nothing about who the
//! member is; a member's booking names the member; a booking the site or an app made names the contact
//! the site chose, which is as much as the site itself vouches for.

use crate::policy::AdminGrant;
use crate::wix::bookings::{Booking, BookingCreator};
use crate::wix::orders::Order;
use crate::{ApiError, Refusal, Wix, WixId};

/// What `AdminOrOwner` grants: an admin, or the calling member (whose resources are still to be checked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnerScope {
    Admin(AdminGrant),
    Member(WixId),
}

/// The resources a caller reaches, resolved from Wix data for the kinds of resource a function touches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reach {
    Every,
    Member {
        member_id: WixId,
        /// The member's Wix contact, when the function needs it (bookings) and Wix has one.
        contact_id: Option<WixId>,
    },
}

/// A resource whose owner Wix data names.
pub trait Owned {
    /// Our text for the 403 when a member reaches for someone else's.
    const REFUSAL: &'static str;
    fn is_owned_by(&self, member_id: &WixId, contact_id: Option<&WixId>) -> bool;
}

impl Reach {
    /// The reach of `scope` for resources owned by member id (accounts, orders): no Wix call.
    pub fn of(scope: &OwnerScope) -> Reach {
        match scope {
            OwnerScope::Admin(_) => Reach::Every,
            OwnerScope::Member(member_id) => Reach::Member {
                member_id: *member_id,
                contact_id: None,
            },
        }
    }

    /// The reach of `scope` for resources owned by contact (bookings): the member's contact id is read
    /// from Wix with elevation. A member Wix does not know, or without a contact, owns no booking.
    pub async fn with_contact(wix: &Wix, scope: &OwnerScope) -> Result<Reach, ApiError> {
        let Reach::Member { member_id, .. } = Reach::of(scope) else {
            return Ok(Reach::Every);
        };
        let contact_id = match wix.get_member(&member_id).await {
            Ok(member) => member.contact_id,
            Err(e) if e.status() == Some(404) => None,
            Err(e) => return Err(e.into()),
        };
        Ok(Reach::Member {
            member_id,
            contact_id,
        })
    }

    /// The member a query must be limited to; `None` for an admin.
    pub fn member(&self) -> Option<&WixId> {
        match self {
            Reach::Every => None,
            Reach::Member { member_id, .. } => Some(member_id),
        }
    }

    pub fn covers(&self, resource: &impl Owned) -> bool {
        match self {
            Reach::Every => true,
            Reach::Member {
                member_id,
                contact_id,
            } => resource.is_owned_by(member_id, contact_id.as_ref()),
        }
    }

    /// Allowed if [`Reach::covers`] the resource; otherwise the resource kind's 403.
    pub fn ensure<R: Owned>(&self, resource: &R) -> Result<(), ApiError> {
        if self.covers(resource) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(Refusal::NotOwner(R::REFUSAL)))
        }
    }
}

/// A member account, named by its id.
pub struct MemberAccount(pub WixId);

impl Owned for MemberAccount {
    const REFUSAL: &'static str = "a member may only act on what is theirs";
    fn is_owned_by(&self, member_id: &WixId, _contact_id: Option<&WixId>) -> bool {
        &self.0 == member_id
    }
}

impl Owned for Order {
    const REFUSAL: &'static str = "a member may only see their own orders";
    fn is_owned_by(&self, member_id: &WixId, _contact_id: Option<&WixId>) -> bool {
        self.bought_by(member_id)
    }
}

/// The [rule for bookings](#bookings).
impl Owned for Booking {
    const REFUSAL: &'static str = "a member may only act on their own bookings";
    fn is_owned_by(&self, member_id: &WixId, contact_id: Option<&WixId>) -> bool {
        match self.creator() {
            BookingCreator::Member(creator) => &creator == member_id,
            BookingCreator::WixUser | BookingCreator::App => {
                contact_id.is_some_and(|contact| self.contact_id().as_ref() == Some(contact))
            }
            BookingCreator::AnonymousVisitor | BookingCreator::Unknown => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIA: &str = "cf604682-755c-4070-9507-0d99c9702925";
    const LEO: &str = "0b0b0b0b-0000-4000-8000-000000000002";
    const CONTACT: &str = "751ad459-4e9b-419d-9d01-0bece1bae3fb";

    fn id(text: &str) -> WixId {
        WixId::parse(text).unwrap()
    }

    fn member(member_id: &str, contact_id: Option<&str>) -> Reach {
        Reach::Member {
            member_id: id(member_id),
            contact_id: contact_id.map(id),
        }
    }

    const OTHER_CONTACT: &str = "3ea18b99-a487-4414-9dd2-66f3466a08e7";
    const VISITOR: &str = "0a0a0a0a-0000-4000-8000-00000000000a";
    const STAFF: &str = "5f0c6a1e-2b7d-4c3e-9a8f-1d2e3f4a5b6c";

    /// A booking for `contact`, made by `created_by` (Wix's `createdBy`).
    fn booking(contact: &str, created_by: serde_json::Value) -> Booking {
        serde_json::from_value(serde_json::json!({
            "id": "750d1692-a08d-4f08-a77e-b2a1a6f533e3",
            "contactDetails": { "contactId": contact },
            "createdBy": created_by,
        }))
        .unwrap()
    }

    fn by_member(contact: &str, member_id: &str) -> Booking {
        booking(contact, serde_json::json!({ "memberId": member_id }))
    }

    #[test]
    fn a_member_may_act_only_on_what_is_theirs() {
        let mia = Reach::of(&OwnerScope::Member(id(MIA)));
        assert!(mia.ensure(&MemberAccount(id(MIA))).is_ok());
        assert!(mia.ensure(&MemberAccount(id(LEO))).is_err());
        let admin = Reach::of(&OwnerScope::Admin(AdminGrant::Member(id(LEO))));
        assert!(admin.ensure(&MemberAccount(id(MIA))).is_ok());
        assert_eq!(admin.member(), None);
        assert_eq!(mia.member(), Some(&id(MIA)));
    }

    #[test]
    fn an_order_is_its_buyers() {
        let order: Order = serde_json::from_value(serde_json::json!({
            "id": "189589e1-57a5-418c-9deb-3a06be4cb61c", "buyerInfo": { "memberId": MIA }
        }))
        .unwrap();
        assert!(member(MIA, None).covers(&order));
        assert!(!member(LEO, None).covers(&order));
    }

    #[test]
    fn a_booking_a_member_made_is_theirs_whatever_its_contact() {
        let mia = member(MIA, Some(CONTACT));
        assert!(mia.covers(&by_member(CONTACT, MIA)));
        assert!(mia.covers(&by_member(OTHER_CONTACT, MIA)));
        assert!(
            member(MIA, None).covers(&by_member(CONTACT, MIA)),
            "no contact is needed for one's own booking"
        );
    }

    #[test]
    fn a_booking_another_member_made_is_not_mine_even_for_my_contact() {
        assert!(!member(MIA, Some(CONTACT)).covers(&by_member(CONTACT, LEO)));
        assert!(
            member(MIA, Some(CONTACT))
                .ensure(&by_member(CONTACT, LEO))
                .is_err()
        );
    }

    #[test]
    fn a_guest_booking_is_not_the_member_whose_contact_it_is_under() {
        let guest = booking(
            CONTACT,
            serde_json::json!({ "anonymousVisitorId": VISITOR }),
        );
        assert!(!member(MIA, Some(CONTACT)).covers(&guest));
        assert!(
            member(MIA, Some(CONTACT)).ensure(&guest).is_err(),
            "a 403, like another member's"
        );
        let visitor_and_app = booking(
            CONTACT,
            serde_json::json!({ "anonymousVisitorId": VISITOR, "appId": STAFF }),
        );
        assert!(!member(MIA, Some(CONTACT)).covers(&visitor_and_app));
        assert!(Reach::Every.covers(&guest), "an admin reaches it");
    }

    #[test]
    fn a_booking_staff_or_an_app_made_for_my_contact_is_mine() {
        for created_by in [
            serde_json::json!({ "wixUserId": STAFF }),
            serde_json::json!({ "appId": STAFF }),
        ] {
            let made = booking(CONTACT, created_by.clone());
            assert!(member(LEO, Some(CONTACT)).covers(&made), "{created_by}");
            assert!(
                !member(LEO, Some(OTHER_CONTACT)).covers(&made),
                "{created_by}"
            );
            assert!(
                !member(LEO, None).covers(&made),
                "a member without a contact owns no booking made for a contact"
            );
        }
    }

    #[test]
    fn a_booking_without_a_readable_creator_is_nobodys_but_an_admins() {
        for created_by in [
            serde_json::json!(null),
            serde_json::json!({}),
            serde_json::json!({ "memberId": "not-a-guid" }),
        ] {
            let untold = booking(CONTACT, created_by.clone());
            assert!(!member(MIA, Some(CONTACT)).covers(&untold), "{created_by}");
            assert!(Reach::Every.covers(&untold));
        }
    }
}
