import ArgumentParser
struct AnalyzeCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "analyze") }
struct DemoCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "demo") }
struct ProfileCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "profile") }
struct GenerateCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "generate") }
