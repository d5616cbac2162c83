import ArgumentParser
import CustomerValue
import Foundation

/// The `cva` command: customer value analysis from CRM exports.
@main
struct CVA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cva",
        abstract: "Customer value analysis from CRM exports: data quality, customer summary, and (as they land) models, segments, churn, satisfaction and lifecycle.",
        discussion: """
            Start with `cva demo`, which generates a synthetic CRM data set and analyzes it.
            `cva analyze DIR` reads a folder of CSV files (transactions.csv is required) and writes every analysis the data allows.
            """,
        version: "0.1.0",
        subcommands: [
            AnalyzeCommand.self, DemoCommand.self, ProfileCommand.self, SummaryCommand.self, RFMCommand.self, FitCommand.self,
            PredictCommand.self, ValidateCommand.self, WeightsCommand.self, CohortsCommand.self, KPIsCommand.self,
            LifecycleCommand.self, NextCommand.self, FunnelCommand.self, SatisfactionCommand.self, ServqualCommand.self,
            ValueCommand.self, FeedbackCommand.self, ClusterCommand.self, ChurnCommand.self, ChurnTrainCommand.self, GenerateCommand.self,
        ]
    )
}
