import Foundation
import Testing

/// End-to-end runs of `cva cluster` on small files.
struct ClusterCommandTests {
    /// Six customers in two plain groups (observation end 2024-06-01, the last date):
    /// A, B, C bought often and recently for 100 an order; D, E, F once, long ago, for 10.
    static let transactions = """
        customer_id,date,amount
        A,2024-05-01,100
        A,2024-05-20,100
        A,2024-06-01,100
        B,2024-05-03,100
        B,2024-05-25,100
        B,2024-05-30,100
        C,2024-05-02,100
        C,2024-05-21,100
        C,2024-05-31,100
        D,2023-07-01,10
        E,2023-07-03,10
        F,2023-07-05,10

        """

    static func folder() throws -> URL {
        try CommandLineTests.folder(with: ["transactions.csv": transactions])
    }

    @Test func csvAssignsTheTwoGroups() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineTests.run(["cluster", folder.path, "--k", "2", "--features", "days_since_last,orders,total_spend",
                                            "--format", "csv"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "customer_id,cluster,cluster_name,distance")
        #expect(lines.count == 7)
        let cluster = Dictionary(uniqueKeysWithValues: lines.dropFirst().map { line -> (String, String) in
            let f = line.split(separator: ",").map(String.init)
            return (f[0], f[1])
        })
        // Equal sizes: ties keep k-means' order, so only the grouping is fixed.
        #expect(cluster["A"] == cluster["B"] && cluster["B"] == cluster["C"])
        #expect(cluster["D"] == cluster["E"] && cluster["E"] == cluster["F"])
        #expect(cluster["A"] != cluster["D"])
        // The recent big spenders: days since last ≈ 1 against an overall mean ≈ 167 → "very low ...",
        // orders 3 against 2 (z = +1), spend 300 against 155 (z = +1): named from two of them.
        let a = try #require(lines.first { $0.hasPrefix("A,") })
        #expect(a.contains("high") || a.contains("low"))
    }

    @Test func jsonHasTheContractKeys() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineTests.run(["cluster", folder.path, "--k", "auto", "--k-max", "4", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        for key in ["k", "inertia", "silhouette", "elbow", "clusters", "customers"] { #expect(json[key] != nil, "\(key)") }
        // Two tight groups of three: k = 2 has silhouette near 1 and wins.
        #expect(json["k"] as? Int == 2)
        let elbow = try #require(json["elbow"] as? [[String: Any]])
        #expect(elbow.compactMap { $0["k"] as? Int } == [2, 3, 4])
        let clusters = try #require(json["clusters"] as? [[String: Any]])
        #expect(clusters.count == 2)
        #expect(Set(clusters[0].keys).isSuperset(of: ["cluster", "name", "size", "share", "centroid", "distinguishing"]))
        let customers = try #require(json["customers"] as? [[String: Any]])
        #expect(customers.count == 6 && Set(customers[0].keys) == ["customer_id", "cluster", "cluster_name", "distance"])
    }

    @Test func badInputGivesClearErrors() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let unknown = try CommandLineTests.run(["cluster", folder.path, "--features", "spend", "--format", "csv"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unknown feature spend; available: orders, total_spend"))
        // Six customers, but only two distinct feature rows per group on orders alone: 3 and 1.
        let tooMany = try CommandLineTests.run(["cluster", folder.path, "--k", "3", "--features", "orders", "--format", "csv"])
        #expect(tooMany.status != 0)
        #expect(tooMany.stderr.contains("only 2 distinct points"))
        #expect(!tooMany.stderr.contains("Fatal"))
        let badK = try CommandLineTests.run(["cluster", folder.path, "--k", "many"])
        #expect(badK.status != 0 && badK.stderr.contains("--k many"))
    }

    @Test func chineseNames() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineTests.run(["cluster", folder.path, "--k", "2", "--features", "days_since_last,orders",
                                            "--language", "zh", "--format", "csv"])
        #expect(run.status == 0, "\(run.stderr)")
        // Two groups of three, equal within: every feature has z = ±1 in each cluster, so both
        // names hold both features' Chinese labels.
        let rows = run.stdout.split(separator: "\n").dropFirst()
        #expect(rows.count == 6 && rows.allSatisfy { $0.contains("距上次购买天数") && $0.contains("订单数") })
    }

    @Test func listsTheFeatures() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let list = try CommandLineTests.run(["cluster", folder.path, "--list-features"])
        #expect(list.status == 0, "\(list.stderr)")
        // The numeric columns of `cva summary` (no calibration split).
        #expect(list.stdout.split(separator: "\n").map(String.init) == [
            "orders", "total_spend", "average_order_value", "frequency", "recency", "T", "monetary_value",
            "days_since_last", "window_orders", "window_spend",
        ])
    }

    @Test func matrixModeClustersTheRowsOfANumericCSV() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Rows 1–3 near (0, 0), rows 4–6 near (10, 10); column c is constant.
        let csv = "x,y,c\n0,0,7\n0.1,0,7\n0,0.1,7\n10,10,7\n10.1,10,7\n10,10.1,7\n"
        let file = folder.appendingPathComponent("m.csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let run = try CommandLineTests.run(["cluster", "--matrix", file.path, "--k", "2", "--standardize", "none",
                                            "--format", "json", "--timing", "--no-customers"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("k-means: n = 6, d = 3, k = 2"))
        #expect(run.stderr.contains("feature c has no variance"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(json["customers"] == nil)
        // Each group's centroid is its first point + (1/30, 1/30); squared distances in a group:
        // 2/900 for the first point, 4/900 + 1/900 for each of the other two: 12/900; both groups 24/900
        // (the constant c adds nothing).
        let inertia = try #require(json["inertia"] as? Double)
        #expect(abs(inertia - 24.0 / 900) < 1e-12)
        let bad = folder.appendingPathComponent("bad.csv")
        try "x,y\n1,2\n3,oops\n".write(to: bad, atomically: true, encoding: .utf8)
        let failed = try CommandLineTests.run(["cluster", "--matrix", bad.path, "--k", "1"])
        #expect(failed.status != 0 && failed.stderr.contains("bad.csv:3"))
    }
}
