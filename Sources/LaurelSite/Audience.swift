/// Who a build is for. The staff portal is open to the whole department; the managers' portal
/// is the staff portal plus the pages that evaluate the scheme (period reports, the fairness
/// audit), published to an output of its own that the intranet web server puts behind access
/// control (docs/operations.md). Nothing in a staff build links to or contains those pages.
public enum Audience: String, Sendable, CaseIterable {
    case staff
    case managers
}
