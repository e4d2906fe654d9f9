import Foundation
import Hummingbird
import SlipwayCore

extension WebDialect {
    func registerDataStore(on group: RouterGroup<SlipwayRequestContext>) {
        group.get("data-store") { request, context -> Response in
            let page = try await page(request, context)
            return try await dataStorePage(request, page)
        }
        group.get("data-store/file") { request, context -> Response in
            let page = try await page(request, context)
            let object = try await core.dataStore.information(workspaceID: page.workspace.id,
                                                             path: request.uri.queryParameters["path"].map(String.init) ?? "")
            return try await BlobResponse.make(core.platform.blobs, key: object.blob,
                                               fileName: String(object.path.split(separator: "/").last ?? "file"),
                                               headers: [.cacheControl: "no-store"])
        }
        // The script sends the file as the body (progress shown by the browser's upload events).
        group.put("data-store/upload") { request, context -> Response in
            let page = try await page(request, context)
            try page.checkCSRF(request)
            let path = try ObjectPath(request.uri.queryParameters["path"].map(String.init) ?? "")
            let limit = core.platform.limits.maxObjectBytes
            let writer = try await core.platform.blobs.makeWriter()
            let blob: BlobInfo
            do {
                var size: Int64 = 0
                for try await buffer in request.body {
                    size += Int64(buffer.readableBytes)
                    guard size <= limit else { throw SlipwayError.tooLarge("a data store object is at most \(limit) bytes") }
                    try await writer.write(Data(buffer.readableBytesView))
                }
                blob = try await writer.commit()
            } catch {
                await writer.abort()
                throw error
            }
            let object = try await core.dataStore.attach(blob: blob, workspaceID: page.workspace.id, path: path)
            return WebResponse.json(["path": object.path, "size": object.size], status: .created)
        }
        group.post("data-store/delete") { request, context -> Response in
            let page = try await page(request, context)
            let form = try await Self.form(request)
            try page.checkCSRF(request, form: form)
            let path = form["path"] ?? ""
            _ = try await core.dataStore.delete(workspaceID: page.workspace.id, path: path)
            let folder = path.split(separator: "/").dropLast().joined(separator: "/")
            return WebResponse.redirect(page.url("data-store") + WebPage.query([("path", folder)]))
        }
    }

    func dataStorePage(_ request: Request, _ page: WebPage) async throws -> Response {
        let raw = request.uri.queryParameters["path"].map(String.init) ?? ""
        let prefix = try ObjectPath.validateFolder(raw, field: "path")
        let folder = String(prefix.dropLast(prefix.isEmpty ? 0 : 1))
        let token = request.uri.queryParameters["after"].map(String.init)
        let (objects, next) = try await core.dataStore.list(workspaceID: page.workspace.id, folder: folder, continuationToken: token)
        var folders: [String] = []
        var entries: [[String: Any]] = []
        for object in objects {
            let rest = object.path.dropFirst(prefix.count)
            if let slash = rest.firstIndex(of: "/") {
                let name = String(rest[..<slash])
                guard !folders.contains(name) else { continue }
                folders.append(name)
                entries.append(["isFolder": true, "name": name,
                                "url": page.url("data-store") + WebPage.query([("path", prefix + name)])])
            } else {
                var entry: [String: Any] = [
                    "isFolder": false, "name": String(rest), "path": object.path, "size": WebFormat.bytes(object.size),
                    "download": page.url("data-store/file") + WebPage.query([("path", object.path)]),
                    "deleteURL": page.url("data-store/delete"), "csrf": page.csrf,
                ]
                WebFormat.time(object.lastModified, "modified", into: &entry)
                entries.append(entry)
            }
        }
        var crumbs: [[String: Any]] = [["label": "data store", "url": page.url("data-store")]]
        var walked = ""
        for component in folder.split(separator: "/") {
            walked += (walked.isEmpty ? "" : "/") + component
            crumbs.append(["label": String(component), "url": page.url("data-store") + WebPage.query([("path", walked)])])
        }
        var values: [String: Any] = [
            "folders": crumbs, "folder": folder, "folderLabel": folder.isEmpty ? "/" : folder + "/",
            "uploadURL": page.url("data-store/upload"), "entries": entries,
            "secrets": try await core.secrets.list(workspaceID: page.workspace.id).sorted { $0.name < $1.name }.map { secret in
                var row: [String: Any] = ["name": secret.name]
                WebFormat.time(secret.updatedAt, "at", into: &row)
                return row
            },
        ]
        if next != nil || token != nil {
            var pager: [String: Any] = ["total": "this folder", "first": "", "last": ""]
            if let next { pager["next"] = page.url("data-store") + WebPage.query([("path", folder), ("after", next)]) }
            if token != nil { pager["previous"] = page.url("data-store") + WebPage.query([("path", folder)]) }
            values["pager"] = pager
        }
        return page.render("data-store", title: "Data store", section: "data-store", values: values)
    }
}
