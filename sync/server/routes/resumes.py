"""Resume upload (PDF -> parsed, structured data), the candidate's resumes, company fit.

The upload is read into a private temporary file (the PDF reader wants a path), parsed by
PyMuPDF (engines.pdf, no device engine) and stored; only the text and structured data are
kept, not the file. Bad PDFs answer 422 (FastAPI's validation-error shape) with the reader's message.
"""

from __future__ import annotations

import tempfile
from pathlib import Path as FsPath
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request, UploadFile, status
from core.db.models import Resume
from core.resume.store import intake_resume, parse_resume
from core.services.embeddings import company_fit
from core.services.resumes import readable_resume, resumes_of
from sync.server.deps import AUTH_RESPONSES, CandidateUser, CurrentUser, SessionDep
from sync.server.schemas import ResumeOut, SimilarCompanyOut

router = APIRouter(prefix="/resumes", tags=["resumes"], responses=AUTH_RESPONSES)
MAX_UPLOAD = 20 * 1024 * 1024
ResumeId = Annotated[str, Path(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$")]  # its public id


def _reader():
    from engines.pdf.pymupdf_reader import PyMuPdfReader

    return PyMuPdfReader()


@router.post("", response_model=ResumeOut, status_code=status.HTTP_201_CREATED,
             responses={413: {"description": "file too large"}, 422: {"description": "not a readable PDF"}})
def upload(request: Request, file: UploadFile, session: SessionDep, user: CandidateUser) -> Resume:
    data = file.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise HTTPException(413, detail="resume larger than 20 MB")
    name = FsPath(file.filename or "resume.pdf").name[:255] or "resume.pdf"
    with tempfile.TemporaryDirectory(prefix="big20-upload-") as tmp:
        path = FsPath(tmp) / "upload.pdf"
        path.write_bytes(data)
        parsed = parse_resume(_reader(), path)  # a bad PDF: InputError, the app's 422
        row = intake_resume(session, None, path, user.id, parsed=parsed)
    row.file_name = name
    row.file_path = f"upload:{name}"
    session.commit()
    request.app.state.background.after_resume(row.id)
    return row


@router.get("", response_model=list[ResumeOut])
def list_resumes(session: SessionDep, user: CurrentUser) -> list[Resume]:
    return resumes_of(session, user.id)


@router.get("/{resume_id}", response_model=ResumeOut, responses={404: {"description": "no such resume"}})
def get_resume(resume_id: ResumeId, session: SessionDep, user: CurrentUser) -> Resume:
    return readable_resume(session, user, resume_id)


@router.get("/{resume_id}/fit", response_model=list[SimilarCompanyOut],
            responses={404: {"description": "no such resume"}, 409: {"description": "embeddings not computed yet"}})
def fit(resume_id: ResumeId, session: SessionDep, user: CurrentUser,
        limit: Annotated[int, Query(ge=1, le=50)] = 5) -> list[SimilarCompanyOut]:
    """Companies ranked by how close their profile is to this resume (cosine of embeddings)."""
    row = readable_resume(session, user, resume_id)
    if row.embedding is None:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="embeddings not computed yet")
    return [SimilarCompanyOut(id=c.id, company_name=c.company_name, ideal=c.ideal, description=c.description,
                              similarity=round(s, 4)) for c, s in company_fit(session, row, limit)]
