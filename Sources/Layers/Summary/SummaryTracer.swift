/// Collects summary rows while a forward pass runs (torchinfo's hooks).
final class SummaryTracer {
    nonisolated(unsafe) static var active: SummaryTracer?
    func trace(_ module: Module, _ x: Tensor, _ body: (Tensor) -> Tensor) -> Tensor { body(x) }
}
