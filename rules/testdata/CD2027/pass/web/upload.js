// The page uploads a file with its owner in an S3 metadata header.
export async function upload(api, name, file, owner) {
  const res = await fetch(`${api}/files/${name}`, {
    method: "PUT",
    headers: { "Content-Type": file.type, "x-amz-meta-owner": owner },
    body: file,
  });
  return res.ok;
}
