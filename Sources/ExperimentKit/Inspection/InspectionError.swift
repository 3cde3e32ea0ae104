/// A problem the user can fix, reported as one line naming the problem and the fix.
public struct InspectionError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
