import ArgumentParser
struct DemoCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "demo") }
struct GenerateCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "generate") }
