import APRouterTestSupport
import Foundation
import Testing

/// Terraform's AWS provider (5.100.0, from the filesystem mirror in /opt/tf-plugins) manages access points,
/// their policy, the account's Block Public Access and a multi-region access point through aprouter, and an object
/// through an access point (its content type, metadata, tags, storage class and encryption): apply, then a plan
/// that must find no changes (every field read back equals what was sent), then destroy.
///
/// The provider has no `endpoints` override: it uses the real AWS hostnames and reaches aprouter through its
/// forward proxy (`listeners.proxy`), given as the provider's `https_proxy`, exactly as a user would.
@Suite(.serialized)
struct TerraformTests {
    static let account = "123456789012"
    static let lab = """
        listeners: {https: "127.0.0.1:0", http: "127.0.0.1:0", dns: "127.0.0.1:0", admin: "127.0.0.1:0", proxy: "127.0.0.1:0"}
        accounts:
          - id: "\(account)"
            users:
              - {name: alice, accessKeyId: AKIAIOSFODNN7EXAMPLE, secretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY,
                 policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}}
        vpcs: [{id: vpc-1a2b3c, cidrs: [127.0.10.0/24]}]
        buckets: [{name: example-bucket, account: "\(account)"}]
        """

    static let mirror = "/opt/tf-plugins"

    /// The Terraform configuration; with a proxy port the provider goes through aprouter's forward proxy,
    /// without one it resolves the real hostnames itself (inside a network lab namespace).
    static func configuration(proxyPort: Int?, vpc: String = "vpc-1a2b3c", object: Bool = false) -> String {
        let proxyLine =
            proxyPort.map { "https_proxy                 = \"http://127.0.0.1:\($0)\"" }
            ?? "# no proxy: inside a network lab the real hostnames resolve to aprouter"
        let policy = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\(account):root"},\
            "Action":"s3:GetObject","Resource":"arn:aws:s3:us-west-2:\(account):accesspoint/tf-internet/object/*"}]}
            """
        return """
            terraform {
              required_providers {
                aws = { source = "hashicorp/aws", version = "5.100.0" }
              }
            }

            provider "aws" {
              region                      = "us-west-2"
              access_key                  = "AKIAIOSFODNN7EXAMPLE"
              secret_key                  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
              skip_credentials_validation = true
              skip_requesting_account_id  = true
              skip_metadata_api_check     = true
              skip_region_validation      = true
              s3_use_path_style           = false
              \(proxyLine)
              # Fail fast instead of retrying for many minutes when aprouter is not answering.
              max_retries                 = 2
            }

            resource "aws_s3_access_point" "internet" {
              account_id = "\(account)"
              bucket     = "example-bucket"
              name       = "tf-internet"
              public_access_block_configuration {
                block_public_acls       = true
                ignore_public_acls      = true
                block_public_policy     = true
                restrict_public_buckets = false
              }
              # The policy is managed by aws_s3control_access_point_policy below, as the provider's docs say.
              lifecycle {
                ignore_changes = [policy]
              }
            }

            resource "aws_s3_access_point" "vpc" {
              account_id = "\(account)"
              bucket     = "example-bucket"
              name       = "tf-vpc"
              vpc_configuration {
                vpc_id = "\(vpc)"
              }
            }

            resource "aws_s3control_access_point_policy" "internet" {
              access_point_arn = aws_s3_access_point.internet.arn
              policy           = jsonencode(jsondecode(<<-POLICY
                \(policy)
                POLICY
              ))
            }

            resource "aws_s3_account_public_access_block" "account" {
              account_id              = "\(account)"
              block_public_acls       = true
              ignore_public_acls      = false
              block_public_policy     = true
              restrict_public_buckets = false
            }

            resource "aws_s3control_multi_region_access_point" "global" {
              account_id = "\(account)"
              details {
                name = "tf-global"
                region {
                  bucket = "example-bucket"
                }
              }
            }
            """ + (object ? Self.objectResource : "")
    }

    /// An object written through the internet access point: the provider reads every field back with HeadObject
    /// and GetObjectTagging, so a class or an encryption the store did not give back shows as a change.
    static let objectResource = """

        resource "aws_s3_object" "report" {
          bucket                 = aws_s3_access_point.internet.arn
          key                    = "reports/terraform.txt"
          content                = "managed by terraform\\n"
          content_type           = "text/plain"
          storage_class          = "STANDARD_IA"
          server_side_encryption = "AES256"
          metadata               = { owner = "alice" }
          tags                   = { team = "blue" }
        }
        """

    /// Terraform's environment: the provider from the local mirror (no network), the lab CA, no AWS profile.
    static func environment(in directory: URL) throws -> [String: String] {
        let cliConfig = directory.appendingPathComponent("terraform.rc")
        try """
        provider_installation {
          filesystem_mirror {
            path = "\(Self.mirror)"
          }
        }
        """.write(to: cliConfig, atomically: true, encoding: .utf8)
        let ca = directory.appendingPathComponent("certs/ca.pem").path
        return [
            "TF_CLI_CONFIG_FILE": cliConfig.path,
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
            "AWS_CA_BUNDLE": ca,
            "SSL_CERT_FILE": ca,
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "AWS_EC2_METADATA_DISABLED": "true",
        ]
    }

    /// `terraform init`, `apply`, a `plan` that must find no changes, then `destroy`, each through `terraform`.
    static func applyPlanAndDestroy(
        _ terraform: (_ arguments: [String]) async throws -> ExternalCommand.Output,
        serverLog: () -> String
    ) async throws {
        let initialized = try await terraform(["init", "-input=false"])
        try #require(initialized.status == 0, "\(initialized.text)")
        let applied = try await terraform(["apply", "-auto-approve", "-input=false"])
        #expect(applied.status == 0, "\(applied.text)\n\(serverLog().suffix(4000))")
        if applied.status == 0 {
            // 0: no changes. 2 would mean a field came back different from what Terraform sent.
            let planned = try await terraform(["plan", "-detailed-exitcode", "-input=false"])
            #expect(planned.status == 0, "\(planned.text)")
        }
        let destroyed = try await terraform(["destroy", "-auto-approve", "-input=false"])
        #expect(destroyed.status == 0, "\(destroyed.text)")
    }

    @Test func terraformAppliesPlansNoChangesAndDestroys() async throws {
        let directory = try ConfigCheckTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.lab.write(to: directory.appendingPathComponent("lab.yaml"), atomically: true, encoding: .utf8)
        let server = try RunningServer(
            arguments: ["serve", "--config", directory.appendingPathComponent("lab.yaml").path],
            in: directory
        )
        defer { _ = server.stop() }
        let ports = try #require(try await ControlPlaneTests.ports(server), "\(server.output)")

        let proxyPort = try #require(ports.proxy, "\(server.output)")

        let work = directory.appendingPathComponent("terraform")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try Self.configuration(proxyPort: proxyPort, object: true)
            .write(to: work.appendingPathComponent("main.tf"), atomically: true, encoding: .utf8)
        let environment = try Self.environment(in: directory)
        func terraform(_ arguments: [String]) async throws -> ExternalCommand.Output {
            try await ExternalCommand.run(
                ["terraform", "-chdir=\(work.path)"] + arguments + ["-no-color"],
                environment: environment
            )
        }
        try await Self.applyPlanAndDestroy(terraform, serverLog: { server.output })
        let state = try await terraform(["state", "list"])
        #expect(
            state.status == 0 && state.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
            "\(state.text)"
        )
        #expect(server.stop() == 0, "\(server.output.suffix(4000))")
    }
}
