import LaurelSources

/// `laurel build`'s render: incremental against the build published now, unless forced or
/// that build has no usable dependency record (docs/incremental.md). The caller commits the
/// publisher with `reuse.record`.
public enum IncrementalBuild {
    public struct Outcome: Sendable {
        public let stats: SiteStats
        public let reuse: RenderReuse
        /// Why every file was rendered; empty when the build was incremental.
        public let fullRender: String
    }

    public static func render(_ run: PortalRun, theme: Theme, contentAssets: [String: [UInt8]], jobs: Int, audience: Audience,
                              inputs: RenderInputs, force: Bool, into publisher: Publisher) throws -> Outcome {
        let previous: DependencyRecord?
        let fullRender: String
        if force {
            previous = nil
            fullRender = "--force"
        } else {
            switch publisher.previousRecord {
            case .success(let record):
                previous = record
                fullRender = ""
            case .failure(let why):
                previous = nil
                fullRender = why.description
            }
        }
        let reuse = RenderReuse(inputs: inputs, theme: theme, previous: previous)
        let stats = try SiteBuilder.build(run, theme: theme, contentAssets: contentAssets, jobs: jobs, audience: audience, sink: publisher, reuse: reuse)
        return Outcome(stats: stats, reuse: reuse, fullRender: fullRender)
    }
}
